package org.carehost.sdk.security;

/**
 * The calling plugin lacks the permission the call needs; {@link #permission()} names it.
 *
 * <p>It is a {@link SecurityException} (since 1.5.0; unchecked, as before), as a refusal was under the JDK's old
 * SecurityManager: JDK code written for that takes its quiet path when one is thrown inside it. {@code URL.equals} and
 * {@code hashCode}, refused the host lookup they try, compare and hash the host names instead (and the refusal is
 * still audited) rather than fail.
 */
public class PermissionDeniedException extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final String permission;

    public PermissionDeniedException(String plugin, String permission) {
        super("Plugin " + plugin + " lacks permission " + permission);
        this.permission = permission;
    }

    /**
     * Refused by a rule other than a missing grant: a tenant the plugin is not enabled for, a patient's consent,
     * an expired break-glass declaration. {@code rule} names it (e.g. {@code consent}); {@code reason} says why.
     */
    public PermissionDeniedException(String plugin, String rule, String reason) {
        super("Plugin " + plugin + " may not do this: " + reason);
        this.permission = rule;
    }

    /** The permission lacking, or the rule that refused. */
    public String permission() {
        return permission;
    }
}
