package org.carehost.sdk.audit;

/** What was done, as FHIR {@code AuditEvent.action}: Create, Read, Update, Delete, Execute. */
public enum AuditAction {
    CREATE("C"), READ("R"), UPDATE("U"), DELETE("D"), EXECUTE("E");

    private final String code;

    AuditAction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static AuditAction ofCode(String code) {
        for (AuditAction action : values()) {
            if (action.code.equals(code)) {
                return action;
            }
        }
        throw new IllegalArgumentException("Unknown audit action code " + code);
    }
}
