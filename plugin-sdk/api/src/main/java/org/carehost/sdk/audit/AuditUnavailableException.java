package org.carehost.sdk.audit;

/**
 * The audit record of a call could not be made durable, so the call failed and returned nothing
 * (fail closed): no protected health information leaves a service unaudited.
 */
public class AuditUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
