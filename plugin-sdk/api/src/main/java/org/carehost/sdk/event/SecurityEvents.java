package org.carehost.sdk.event;

/**
 * Topics the security manager posts. Reaching them needs {@code read:audit}: they name plugins, patients
 * and what was refused.
 */
public final class SecurityEvents {

    public static final String TOPIC_PREFIX = "carehost/security/";
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    /** A plugin was refused something: resolving, a service registration, an import. */
    public static final String DENIED = TOPIC_PREFIX + "DENIED";
    /** A plugin touched more distinct patients within an hour than the policy's threshold. */
    public static final String ACCESS_ANOMALY = TOPIC_PREFIX + "ACCESS_ANOMALY";
    /** The operator changed the policy: a grant, a revoke, the mode. */
    public static final String POLICY_CHANGED = TOPIC_PREFIX + "POLICY_CHANGED";

    /**
     * Emergency (break-glass) access was opened for a user to a patient; carries tenant, user, patientId,
     * correlationId, reason and expires, for review.
     */
    public static final String BREAK_GLASS = TOPIC_PREFIX + "BREAK_GLASS";

    /** The plugin concerned (symbolic name), its version, the permission or rule, and why. */
    public static final String PLUGIN = "plugin";
    public static final String VERSION = "version";
    public static final String PERMISSION = "permission";
    public static final String OPERATION = "operation";
    public static final String REASON = "reason";
    /**
     * On {@link #POLICY_CHANGED}: the operator who made the change (their account name; {@code operator} at the local
     * console, where no account is logged in), absent when the change was not made by an operator's command or request.
     */
    public static final String USER = "user";

    private SecurityEvents() {
    }
}
