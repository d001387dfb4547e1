package org.carehost.operators;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The audit records of refused requests that may come from anyone (a failed login, an HTTP 401, a 403), bounded so
 * that a flood cannot fill the trail: per source address and time window the first few are written one by one, the
 * rest are counted and written as one summary record per address when the window ends. Nothing is dropped
 * uncounted. A refusal that changes state (an account or an address locked) is not for this: it is always written.
 */
@ProviderType
public interface Refusals {

    /**
     * Audits a refusal, or counts it into its address's summary.
     *
     * @param source who connects, e.g. {@code http 127.0.0.1}: the budget is per address (the part after the first space)
     * @param user the operator when known (a 403), else the name tried, else null
     * @param operation e.g. {@code login} or {@code http.refused}
     * @param detail what was refused and why; never a credential
     */
    void refused(String source, String user, String operation, String detail);
}
