package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;

/**
 * The operator's edits of the policy through {@code SecurityAdmin} (plugin:grant, plugin:revoke, security:mode):
 * checked, written to the policy store, announced (logged, audited, posted); one at a time.
 */
final class PolicyEdits {

    private final PolicyStore store;
    private final GrantsCalculator grants;
    private final Alerts alerts;
    /** Who makes an edit: the operator whose command or request runs on this thread ({@link #operator}). */
    private final java.util.function.Supplier<String> operator;

    /**
     * @param operator the account name of the operator whose command or request runs on the calling thread,
     *        {@code operator} at the local console (no operator bound), null when that cannot be told
     */
    PolicyEdits(PolicyStore store, GrantsCalculator grants, Alerts alerts, java.util.function.Supplier<String> operator) {
        this.store = store;
        this.grants = grants;
        this.alerts = alerts;
        this.operator = operator;
    }

    synchronized String grant(String symbolicName, Collection<Permission> permissions) {
        requireName(symbolicName, permissions);
        grants.requireDeclared(symbolicName, permissions);
        store.grant(symbolicName, permissions);
        announceEdit("plugin:grant", symbolicName, permissions);
        return "Granted " + names(permissions) + " to " + symbolicName + "; in force now." + notInstalled(symbolicName);
    }

    synchronized String revoke(String symbolicName, Collection<Permission> permissions) {
        requireName(symbolicName, permissions);
        store.revoke(symbolicName, permissions);
        announceEdit("plugin:revoke", symbolicName, permissions);
        return "Revoked " + names(permissions) + " from " + symbolicName + "; in force now." + notInstalled(symbolicName);
    }

    synchronized String setMode(SecurityMode mode) {
        store.setMode(mode);
        alerts.policyChanged("security:mode", null, null, "mode " + mode.name().toLowerCase(Locale.ROOT),
                operator.get());
        return "Security mode is now " + mode.name().toLowerCase(Locale.ROOT) + "; every plugin re-checked.";
    }

    /**
     * A note when no plugin of that name is installed: a grant made ahead of a plugin's deploy is allowed, but a typo
     * would otherwise pass unnoticed into the policy.
     */
    private String notInstalled(String symbolicName) {
        return grants.installed(symbolicName) ? "" : " Note: no plugin named " + symbolicName + " is installed; the policy"
                + " holds this for one deployed later under that name (plugin:list shows the installed ones; check the"
                + " spelling).";
    }

    private void announceEdit(String operation, String symbolicName, Collection<Permission> permissions) {
        alerts.policyChanged(operation, symbolicName, names(permissions),
                operation + " " + symbolicName + " " + names(permissions), operator.get());
    }

    private static void requireName(String symbolicName, Collection<Permission> permissions) {
        if (symbolicName == null || !symbolicName.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("'" + symbolicName + "' is not a plugin symbolic name");
        }
        if (permissions.isEmpty()) {
            throw new IllegalArgumentException("Name at least one permission: " + Permission.validNames());
        }
    }

    private static String names(Collection<Permission> permissions) {
        List<String> ids = new ArrayList<>();
        permissions.forEach(permission -> ids.add(permission.id()));
        return String.join(" ", ids);
    }
}
