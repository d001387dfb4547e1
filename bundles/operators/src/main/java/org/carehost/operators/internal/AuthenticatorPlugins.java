package org.carehost.operators.internal;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.auth.Authenticator;
import org.carehost.sdk.auth.Identity;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;

/**
 * The authenticator plugins a login asks for names the container's accounts do not know: each only while its plugin
 * holds {@link Authenticator#PERMISSION} (the live grants), highest service ranking first; never for an {@code admin},
 * and never for roles that need a second factor (the container cannot check one for an account it does not keep).
 */
final class AuthenticatorPlugins {

    /** The permission an authenticator's plugin needs to be asked: the SDK's one definition. */
    static final Permission ASKS = Permission.named(Authenticator.PERMISSION).orElseThrow();

    private record Plugin(Authenticator authenticator, org.osgi.framework.Bundle bundle, String name, int ranking) {
    }

    private final PermissionGuard guard;
    private final Logger log;
    private final List<Plugin> plugins = new CopyOnWriteArrayList<>();
    /** Authenticator plugins already said to lack the permission. */
    private final Set<String> notAsked = ConcurrentHashMap.newKeySet();

    AuthenticatorPlugins(PermissionGuard guard, Logger log) {
        this.guard = guard;
        this.log = log;
    }

    void add(Authenticator authenticator, ServiceReference<Authenticator> reference) {
        Object ranking = reference.getProperty("service.ranking");
        plugins.add(new Plugin(authenticator, reference.getBundle(), reference.getBundle() == null ? "authenticator"
                : reference.getBundle().getSymbolicName(), ranking instanceof Integer i ? i : 0));
        plugins.sort((a, b) -> Integer.compare(b.ranking(), a.ranking()));
    }

    void remove(Authenticator authenticator) {
        plugins.removeIf(plugin -> plugin.authenticator() == authenticator);
    }

    /**
     * The first authenticator plugin's word for a name the accounts do not know (highest ranking first), as an
     * operator; empty when none vouches, or when the one that vouches gives roles that need a second factor.
     */
    Optional<Operator> vouch(String user, char[] password, String source, Set<Role> secondFactorRoles, Instant now) {
        for (Plugin plugin : plugins) {
            Optional<Identity> identity;
            if (plugin.bundle() == null || !mayVerify(plugin)) {
                continue;
            }
            try {
                identity = plugin.authenticator().verify(user, password.clone(), source);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Authenticator {} failed for a login of '{}': {}", plugin.name(), user, e.toString());
                continue;
            }
            if (identity != null && identity.isPresent() && identity.get().user().equals(user)
                    && Operator.NAME.matcher(user).matches()) {
                Set<Role> roles = EnumSet.noneOf(Role.class);
                for (String code : identity.get().roles()) {
                    try {
                        Role role = Role.parse(code);
                        if (role != Role.ADMIN) {
                            roles.add(role);
                        }
                    } catch (IllegalArgumentException e) {
                        log.warn("Authenticator {} gave '{}' the unknown role '{}'; ignored", plugin.name(), user, code);
                    }
                }
                if (roles.stream().anyMatch(secondFactorRoles::contains)) {
                    // The policy's second factor cannot be checked for an account the container does not keep.
                    log.warn("Authenticator {} vouched for '{}' with roles {}, which need a second factor; refused "
                            + "(give that person a built-in account with user:add and user:totp)", plugin.name(), user,
                            Role.text(roles));
                    return Optional.empty();
                }
                if (!roles.isEmpty()) {
                    return Optional.of(new Operator(user, roles, roles.contains(Role.HOSPITAL_ADMIN)
                            ? identity.get().tenants() : Set.of(), false, false, now, plugin.name()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the plugin holds {@code verify:logins} now (the live grants: a revocation applies to the next login).
     * A plugin without it is never offered a password. Its denial is recorded (security:denials) and logged once until
     * it is granted: every failed login for an unknown name asks, and a flood of those must not flood either.
     */
    private boolean mayVerify(Plugin plugin) {
        if (guard.grantsOf(plugin.bundle()).holds(ASKS)) {
            notAsked.remove(plugin.name());
            return true;
        }
        if (notAsked.add(plugin.name())) {
            try {
                guard.grantsOf(plugin.bundle()).check(ASKS); // records the denial, once
                notAsked.remove(plugin.name()); // granted meanwhile
                return true;
            } catch (RuntimeException denied) {
                log.warn("Authenticator of {} not asked: {}", plugin.name(), denied.getMessage());
            }
        }
        return false;
    }
}
