package org.carehost.sample.publichealth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * One line of a public-health report. Holds ids and the condition only, no names or contact details:
 * the registry links the ids back through the proper channel, and a file on disk should hold the least
 * PHI that does the job.
 *
 * @param appointmentId the appointment whose reason named the condition
 * @param patientId the appointment's patient; may be null
 * @param condition the matched condition, as configured
 * @param detectedAt when it was detected
 */
record ReportLine(String appointmentId, String patientId, String condition, Instant detectedAt) {

    /** One JSON object, no line breaks: the JSON Lines format. */
    String toJson() {
        return "{\"appointmentId\":" + json(appointmentId) + ",\"patientId\":" + json(patientId) + ",\"condition\":"
                + json(condition) + ",\"detectedAt\":" + json(detectedAt.truncatedTo(ChronoUnit.SECONDS).toString())
                + "}";
    }

    /** The day's file, by the UTC date of detection, so a day's report is one file whatever the server's zone. */
    String fileName() {
        return "public-health-" + detectedAt.atOffset(ZoneOffset.UTC).toLocalDate() + ".jsonl";
    }

    // The SDK offers no general JSON writer and a sample may not bring in a library, so strings are
    // escaped here as RFC 8259 requires: quote, backslash and control characters.
    static String json(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
