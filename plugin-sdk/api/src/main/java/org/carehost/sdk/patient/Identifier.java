package org.carehost.sdk.patient;

/**
 * A business identifier of a patient (FHIR {@code Identifier}).
 *
 * @param system the namespace of the value (a URI), e.g. {@code urn:oid:2.16.840.1.113883.4.1}
 * @param value the identifier itself
 * @param type the HL7 v2-0203 type code: {@code MR} for the medical record number, {@code SS}, {@code DL}…; may be null
 */
public record Identifier(String system, String value, String type) {

    /** HL7 v2-0203 code of the medical record number. */
    public static final String MEDICAL_RECORD_NUMBER = "MR";

    public static Identifier mrn(String system, String value) {
        return new Identifier(system, value, MEDICAL_RECORD_NUMBER);
    }

    public boolean isMedicalRecordNumber() {
        return MEDICAL_RECORD_NUMBER.equals(type);
    }
}
