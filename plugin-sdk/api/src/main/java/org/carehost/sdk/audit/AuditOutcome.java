package org.carehost.sdk.audit;

/** How it ended; {@link #fhirCode()} is FHIR {@code AuditEvent.outcome}. */
public enum AuditOutcome {
    /** Done. */
    SUCCESS("0"),
    /** Refused: a missing permission, consent, quota. */
    DENIED("4"),
    /** Failed: invalid input, not found, a store failure. */
    ERROR("8");

    private final String fhirCode;

    AuditOutcome(String fhirCode) {
        this.fhirCode = fhirCode;
    }

    public String fhirCode() {
        return fhirCode;
    }
}
