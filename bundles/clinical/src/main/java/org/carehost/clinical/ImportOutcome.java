package org.carehost.clinical;

/**
 * What became of one resource of an import.
 *
 * @param source the document, and for a Bundle entry its index: {@code file.json#entry[2]}
 * @param status what happened
 * @param id the stored patient's id; null unless {@link Status#CREATED} or {@link Status#UPDATED}
 * @param message why it failed, or what the validators warned of, or which stored patient it updated; may be null
 * @since 1.1
 */
public record ImportOutcome(String source, Status status, String id, String message) {

    /** What happened to one resource. */
    public enum Status {
        /** Stored as a new patient. */
        CREATED,
        /** Stored as a new version of the patient with the same medical record number. */
        UPDATED,
        /** Refused: {@link ImportOutcome#message()} says why; nothing of it was stored. */
        FAILED,
        /** Fine itself, but not stored because another entry of its transaction Bundle failed. */
        NOT_STORED
    }

    /** Whether this resource did not get stored. */
    public boolean failed() {
        return status == Status.FAILED || status == Status.NOT_STORED;
    }
}
