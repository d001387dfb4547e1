package org.carehost.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/** The operator's side of the security manager: the policy, what each plugin holds, and what was refused. */
@ProviderType
public interface SecurityAdmin {

    SecurityStatus status();

    PermissionReport report(Bundle plugin);

    /** Why the security manager keeps {@code bundle} from resolving or running; empty when it does not. */
    List<String> refusals(Bundle bundle);

    /**
     * What the plugin offers that the container will not use as it stands, each with the way out: e.g. an
     * authenticator without {@code verify:logins}, which logins never ask. Not refusals: the plugin runs. Empty when
     * there is nothing to say, and for a container bundle.
     *
     * @since 1.6
     */
    default List<String> notices(Bundle bundle) {
        return List.of();
    }

    /**
     * Problems with the plugin's own declaration (unknown permission names, a signature that does not verify):
     * reasons to refuse its installation outright. Empty when there are none.
     */
    List<String> installProblems(Bundle bundle);

    /** When {@code requester} cannot see services of {@code serviceInterface}: "missing permission read:patients". */
    Optional<String> hiddenBecause(Bundle requester, String serviceInterface);

    /**
     * Grants permissions to every version of the plugin named {@code symbolicName}, persisted in the policy file
     * and in force at once. Returns what changed, in words.
     *
     * @throws IllegalArgumentException when the plugin is installed and does not declare one of them
     */
    String grant(String symbolicName, Collection<Permission> permissions);

    /** Takes permissions away from the plugin, whatever entry granted them; in force at once. */
    String revoke(String symbolicName, Collection<Permission> permissions);

    /**
     * A preview of {@link #setMode}: the plugins running now (active or starting) that {@code mode} would refuse, by
     * symbolic name and version, each with the reasons {@link #refusals} would then give (e.g. "it is not signed").
     * Nothing changes. Empty when none would be refused, and when {@code mode} is the one in force.
     *
     * @since 1.10
     */
    default java.util.Map<String, List<String>> refusedIn(SecurityMode mode) {
        return java.util.Map.of();
    }

    /** Switches mode, persisted in the policy file; every plugin is re-checked at once. */
    String setMode(SecurityMode mode);

    /** The newest {@code max} denials, newest first. */
    List<Denial> denials(int max);

    /**
     * Stops the plugin and keeps it stopped for a reason found outside the security manager (a WebAssembly plugin
     * that failed call after call, or that imports a host function it holds no permission for): the same quarantine
     * as a plugin over its thread or allocation budget. Audited as DENIED, posted as
     * {@code carehost/plugin/QUARANTINED}, and named by {@link #refusals} (so by {@code plugin:why}) until an
     * operator starts the plugin again. {@code reason} completes "it tried to ...".
     *
     * @since 1.3
     */
    void quarantine(Bundle plugin, String reason);
}
