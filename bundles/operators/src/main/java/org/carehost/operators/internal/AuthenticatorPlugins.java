package org.carehost.operators.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.auth.Authenticator;
import org.carehost.sdk.auth.Identity;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The authenticator plugins a login asks for names the container's accounts do not know: each only while its plugin
 * holds {@link Authenticator#PERMISSION} (the live grants), highest service ranking first; never for an {@code admin},
 * and never for roles that need a second factor (the container cannot check one for an account it does not keep).
 * Each is asked as a call into its plugin ({@link PluginCalls}, kind {@value #KIND}): on the container's pool, within
 * the plugin's deadline (building its component on the first call included), so a plugin that hangs holds no login
 * thread of SSH or HTTP longer than that; while the plugin is being updated, the new version is asked.
 */
final class AuthenticatorPlugins {

    /** The permission an authenticator's plugin needs to be asked: the SDK's one definition. */
    static final Permission ASKS = Permission.named(Authenticator.PERMISSION).orElseThrow();
    /** The kind of call, for its deadline ({@code deadline authenticator <ms>} in the policy). */
    static final String KIND = "authenticator";

    private final PermissionGuard guard;
    private final Logger log;
    private final Supplier<PluginCalls> calls;
    /** Whether the absence of the plugin calls was logged (until they are back). */
    private final AtomicBoolean callsAway = new AtomicBoolean();
    /** Authenticator plugins already said to lack the permission. */
    private final Set<String> notAsked = ConcurrentHashMap.newKeySet();

    AuthenticatorPlugins(PermissionGuard guard, Logger log, Supplier<PluginCalls> calls) {
        this.guard = guard;
        this.log = log;
        this.calls = calls;
    }

    /**
     * The first authenticator plugin's word for a name the accounts do not know (highest ranking first), as an
     * operator; empty when none vouches, or when the one that vouches gives roles that need a second factor.
     */
    Optional<Operator> vouch(String user, char[] password, String source, Set<Role> secondFactorRoles, Instant now) {
        PluginCalls via = calls.get();
        if (via == null) {
            if (!callsAway.getAndSet(true)) { // said once while away: failed logins are driven from outside
                log.warn("Authenticator plugins are not asked while the container's plugin calls are not running (the "
                        + "plugins bundle is starting or stopping): logins of names the accounts do not know fail");
            }
            return Optional.empty();
        }
        callsAway.set(false);
        List<PluginService<Authenticator>> services = new ArrayList<>(via.services(Authenticator.class));
        services.sort(PluginService.callOrder());
        for (PluginService<Authenticator> service : services) {
            Bundle plugin = service.plugin();
            String name = String.valueOf(plugin.getSymbolicName());
            if (!mayVerify(plugin, name)) {
                continue;
            }
            Optional<Identity> identity;
            char[] copy = password.clone();
            try {
                // the grant is checked again where the password is handed over: a call held for a plugin's new version
                // may reach a version without verify:logins, or one revoked meanwhile
                identity = via.call(service, KIND, "Authenticator.verify", authenticator -> mayVerify(plugin, name)
                        ? authenticator.verify(user, copy, source) : Optional.empty());
            } catch (PluginCallException e) {
                log.warn("Authenticator {} failed for a login of '{}': {}", name, user, e.getMessage());
                continue;
            } finally {
                Arrays.fill(copy, '\0'); // the plugin's copy: wiped once its call has ended or been given up
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
                        log.warn("Authenticator {} gave '{}' the unknown role '{}'; ignored", name, user, code);
                    }
                }
                if (roles.stream().anyMatch(secondFactorRoles::contains)) {
                    // The policy's second factor cannot be checked for an account the container does not keep.
                    log.warn("Authenticator {} vouched for '{}' with roles {}, which need a second factor; refused "
                            + "(give that person a built-in account with user:add and user:totp)", name, user,
                            Role.text(roles));
                    return Optional.empty();
                }
                if (!roles.isEmpty()) {
                    return Optional.of(new Operator(user, roles, roles.contains(Role.HOSPITAL_ADMIN)
                            ? identity.get().tenants() : Set.of(), false, false, now, name));
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
    private boolean mayVerify(Bundle plugin, String name) {
        if (guard.grantsOf(plugin).holds(ASKS)) {
            notAsked.remove(name);
            return true;
        }
        if (notAsked.add(name)) {
            try {
                guard.grantsOf(plugin).check(ASKS); // records the denial, once
                notAsked.remove(name); // granted meanwhile
                return true;
            } catch (RuntimeException denied) {
                log.warn("Authenticator of {} not asked: {}", name, denied.getMessage());
            }
        }
        return false;
    }
}
