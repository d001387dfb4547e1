package org.carehost.sdk.security;

/** The calling plugin lacks the permission the call needs; {@link #permission()} names it. */
public class PermissionDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String permission;

    public PermissionDeniedException(String plugin, String permission) {
        super("Plugin " + plugin + " lacks permission " + permission);
        this.permission = permission;
    }

    public String permission() {
        return permission;
    }
}
