package org.carehost.sdk.security;

/**
 * The calling plugin used up its quota of host-service calls for the current minute; calls succeed again in the
 * next one. The operator sets quotas in the security policy.
 */
public class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long limitPerMinute;

    public QuotaExceededException(String plugin, long limitPerMinute) {
        super("Plugin " + plugin + " is over its quota of " + limitPerMinute + " host-service calls per minute");
        this.limitPerMinute = limitPerMinute;
    }

    public long limitPerMinute() {
        return limitPerMinute;
    }
}
