package org.carehost.sdk.context;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Why data is accessed (HL7 v3 PurposeOfUse codes). The host services return only what the purpose needs:
 * treatment the full record, payment no clinical notes, operations no notes or contact details, research no
 * direct identifiers (a stable pseudonym instead). Emergency is break-glass: it needs a stated reason.
 */
public enum Purpose {
    TREATMENT("TREAT"),
    PAYMENT("HPAYMT"),
    OPERATIONS("HOPERAT"),
    RESEARCH("HRESCH"),
    EMERGENCY("ETREAT");

    private final String code;

    Purpose(String code) {
        this.code = code;
    }

    /** The HL7 v3 ActReason code, as audit records and FHIR AuditEvent.purposeOfEvent carry it. */
    public String code() {
        return code;
    }

    /** By name ({@code treatment}, any case) or code ({@code TREAT}). */
    public static Purpose parse(String text) {
        String wanted = text == null ? "" : text.strip();
        for (Purpose purpose : values()) {
            if (purpose.name().equalsIgnoreCase(wanted) || purpose.code.equals(wanted)) {
                return purpose;
            }
        }
        throw new IllegalArgumentException("Unknown purpose of use '" + text + "'; one of: "
                + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
