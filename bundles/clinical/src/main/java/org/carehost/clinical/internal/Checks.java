package org.carehost.clinical.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import org.carehost.sdk.resource.ValidationIssue;

/** Checks shared by every resource: text without control characters, length limits, URIs. */
final class Checks {

    /** Largest FHIR JSON a resource may have. */
    static final int MAX_RESOURCE_BYTES = 1024 * 1024;

    private Checks() {
    }

    /** Adds an error when {@code value} has control characters or is longer than {@code max}. */
    static void text(List<ValidationIssue> issues, String path, String value, int max) {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            issues.add(ValidationIssue.error(path, "is " + value.length() + " characters long; at most " + max + " allowed"));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                issues.add(ValidationIssue.error(path, "contains a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i));
                return;
            }
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** An absolute URI such as {@code urn:oid:1.2.3} or {@code http://hospital.example/mrn}. */
    static boolean absoluteUri(String value) {
        try {
            URI uri = new URI(value);
            return uri.isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static void size(List<ValidationIssue> issues, String type, String json) {
        int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_RESOURCE_BYTES) {
            issues.add(ValidationIssue.error(type, "is " + bytes + " bytes as FHIR JSON; at most 1 MiB ("
                    + MAX_RESOURCE_BYTES + " bytes) allowed"));
        }
    }
}
