package org.carehost.sample.publichealth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ReportLineTest {

    @Test
    void jsonHasIdsConditionAndUtcTimeOnly() {
        ReportLine line = new ReportLine("a-1", "p-42", "measles", Instant.parse("2026-03-01T23:59:58.123Z"));
        assertEquals("{\"appointmentId\":\"a-1\",\"patientId\":\"p-42\",\"condition\":\"measles\","
                + "\"detectedAt\":\"2026-03-01T23:59:58Z\"}", line.toJson());
        assertEquals("public-health-2026-03-01.jsonl", line.fileName());
    }

    @Test
    void fileIsChosenByUtcDate() {
        assertEquals("public-health-2026-03-02.jsonl",
                new ReportLine("a", "p", "c", Instant.parse("2026-03-02T00:00:00Z")).fileName());
    }

    @Test
    void stringsAreEscapedAndMissingPatientIsNull() {
        ReportLine line = new ReportLine("a\"1\\\n\u0001", null, "hepatitis a", Instant.parse("2026-03-01T00:00:00Z"));
        assertEquals("{\"appointmentId\":\"a\\\"1\\\\\\n\\u0001\",\"patientId\":null,\"condition\":\"hepatitis a\","
                + "\"detectedAt\":\"2026-03-01T00:00:00Z\"}", line.toJson());
    }
}
