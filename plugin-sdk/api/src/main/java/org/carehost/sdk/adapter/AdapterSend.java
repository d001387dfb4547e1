package org.carehost.sdk.adapter;

/**
 * What became of a send's first attempt.
 *
 * @param id the send's id (its outbox entry when it is retried)
 * @param system the outside system
 * @param resource {@code Patient/<id>} or {@code Appointment/<id>}
 * @param status what happened
 * @param receipt the system's receipt when {@link Status#SENT}, else null
 * @param error why the attempt failed when {@link Status#RETRYING}, else null
 */
public record AdapterSend(String id, String system, String resource, Status status, String receipt, String error) {

    /** What became of the first attempt. */
    public enum Status {
        /** The system took it. */
        SENT,
        /** It failed and is kept in the outbox, to be tried again. */
        RETRYING
    }
}
