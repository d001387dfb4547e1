package org.carehost.security.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionReport;
import org.carehost.security.SecurityMode;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/**
 * What each plugin holds under the policy in force: its live {@link PluginGrants} (one per bundle, replaced in
 * place when the policy changes), with the policy's limits (calls per minute, distinct patients per hour).
 */
final class GrantsCalculator {

    private static final long HOST_VISIBILITY = Permission.READ_PATIENTS.bit() | Permission.READ_APPOINTMENTS.bit()
            | Permission.READ_AUDIT.bit() | Permission.PUBLISH_EVENTS.bit();

    private final BundleContext context;
    private final PluginScope scope;
    private final Inspector inspector;
    private final PolicyStore store;
    private final Clock clock;
    private final Denials denials;
    private final PluginGrants.Alarms alarms;
    private final Map<Long, PluginGrants> grants = new ConcurrentHashMap<>();
    /** The grants of plugins updated or uninstalled, by symbolic name, for their refusal counts (the last 256). */
    private final Map<String, PluginGrants> earlierRefusals = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PluginGrants> eldest) {
            return size() > 256;
        }
    };

    GrantsCalculator(BundleContext context, PluginScope scope, Inspector inspector, PolicyStore store,
            Clock clock, Denials denials, PluginGrants.Alarms alarms) {
        this.context = context;
        this.clock = clock;
        this.scope = scope;
        this.inspector = inspector;
        this.store = store;
        this.denials = denials;
        this.alarms = alarms;
    }

    /** The caller's live grants: everything for a container bundle. */
    Grants grantsOf(Bundle caller) {
        if (!scope.isPlugin(caller)) {
            // an uninstalled plugin (its code left running, a service object it kept) holds nothing; only the
            // container's own bundles hold everything
            return caller == null || scope.isContainer(caller) ? PluginGrants.CONTAINER
                    : PluginGrants.uninstalled(String.valueOf(caller.getSymbolicName()));
        }
        long version = store.version();
        PluginGrants held = grants.computeIfAbsent(caller.getBundleId(), id -> {
            PluginGrants fresh = new PluginGrants(String.valueOf(caller.getSymbolicName()),
                    caller.getVersion().toString(), computeGrants(caller), clock, denials, alarms);
            limit(fresh, store.policy());
            PluginGrants earlier = earlierRefusals(fresh.plugin());
            if (earlier != null) {
                fresh.inheritRefusals(earlier);
            }
            return fresh;
        });
        if (caller.getState() == Bundle.UNINSTALLED) {
            // uninstalled (and forgotten) while this was computed: keep no object for a dead bundle
            grants.remove(caller.getBundleId(), held);
            held.retire();
            return PluginGrants.uninstalled(String.valueOf(caller.getSymbolicName()));
        }
        if (store.version() != version) {
            // computed under the previous policy, and perhaps added after the new one was applied
            held.set(computeGrants(caller));
            limit(held, store.policy());
        }
        return held;
    }

    /**
     * Counts a refusal of the plugin, whatever refused it (at resolve, at run time, an event, a host-service call),
     * toward its burst of refusals: more than the policy's denials-per-minute raise an access anomaly.
     */
    void refused(Bundle plugin) {
        Grants held = grantsOf(plugin);
        if (held instanceof PluginGrants) {
            ((PluginGrants) held).refused();
        }
    }

    /** What the plugin holds under the current policy: never more than it declared. */
    long computeGrants(Bundle plugin) {
        Inspection inspection = inspector.inspect(plugin);
        return grants(store.policy(), String.valueOf(plugin.getSymbolicName()), plugin.getVersion(),
                inspection.declared(), inspection.trustedSigner());
    }

    /**
     * The arithmetic: in development mode the declared host-service permissions, plus what the policy grants the
     * plugin (by name and version, or by its trusted signer), within what it declared, less what the policy denies.
     */
    static long grants(Policy policy, String name, Version version, long declared, String trustedSigner) {
        long bits = policy.mode() == SecurityMode.DEVELOPMENT ? declared & hostServiceBits() : 0;
        bits |= policy.granted(name, version, trustedSigner);
        bits &= declared;
        bits &= ~policy.denied(name, version, trustedSigner);
        return bits;
    }

    /**
     * Recomputes every known plugin's grants and limits under the current policy, telling {@code visibilityChanged}
     * the bundle id of each plugin whose visible services changed.
     */
    void regrantAll(LongConsumer visibilityChanged) {
        for (Map.Entry<Long, PluginGrants> entry : grants.entrySet()) {
            Bundle bundle = context.getBundle(entry.getKey());
            if (bundle != null && scope.isPlugin(bundle)) {
                long before = entry.getValue().granted();
                long after = computeGrants(bundle);
                entry.getValue().set(after);
                limit(entry.getValue(), store.policy());
                if (visibility(before) != visibility(after)) {
                    visibilityChanged.accept(bundle.getBundleId());
                }
            }
        }
    }

    /** Refuses a grant of a permission that an installed version of the plugin does not declare. */
    void requireDeclared(String symbolicName, Collection<Permission> permissions) {
        for (Bundle bundle : pluginsNamed(symbolicName)) {
            long declared = inspector.inspect(bundle).declared();
            for (Permission permission : permissions) {
                if ((declared & permission.bit()) == 0) {
                    throw new IllegalArgumentException(symbolicName + " " + bundle.getVersion() + " does not declare "
                            + permission.id() + " (a plugin never holds a permission it does not declare; it declares: "
                            + names(declared) + ")");
                }
            }
        }
    }

    /** Whether a plugin of this symbolic name is installed. */
    boolean installed(String symbolicName) {
        return !pluginsNamed(symbolicName).isEmpty();
    }

    private List<Bundle> pluginsNamed(String symbolicName) {
        List<Bundle> named = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && scope.isPlugin(bundle)) {
                named.add(bundle);
            }
        }
        return named;
    }

    /** What the plugin declared, holds, used and was denied, and its quota in force ({@code plugin:permissions}). */
    PermissionReport report(Bundle plugin, List<String> refusals) {
        Inspection inspection = inspector.inspect(plugin);
        Grants held = grantsOf(plugin);
        long granted = 0;
        long used = 0;
        Map<String, Long> denied = new TreeMap<>();
        long quota = store.policy().quota(String.valueOf(plugin.getSymbolicName()));
        if (held instanceof PluginGrants) {
            PluginGrants live = (PluginGrants) held;
            granted = live.granted();
            quota = live.callsPerMinute(); // what is in force, which a policy change reaches a moment later
            used = live.used();
            for (Permission permission : Permission.values()) {
                if (live.denied(permission) > 0) {
                    denied.put(permission.id(), live.denied(permission));
                }
            }
        }
        for (Map.Entry<Permission, List<String>> need : inspection.findings().needs().entrySet()) {
            if ((granted & need.getKey().bit()) != 0) {
                used |= need.getKey().bit();
            }
        }
        return new PermissionReport(String.valueOf(plugin.getSymbolicName()), plugin.getVersion().toString(),
                ids(inspection.declared()), ids(granted), ids(used), denied, inspection.trustedSigner(),
                refusals, quota);
    }

    /**
     * Forgets a plugin (updated or uninstalled): its next call starts afresh, but for the refusals it counted toward
     * the denial-rate alarm, which the next grants object of that symbolic name takes over.
     */
    void forget(long bundleId) {
        PluginGrants gone = grants.remove(bundleId);
        if (gone != null) {
            // host-service objects made for the old revision hold this object: it grants nothing from now on, even if
            // a policy change computed before this recomputes it (an updated plugin's new revision gets a grants
            // object of its own at its next call)
            gone.retire();
            synchronized (earlierRefusals) {
                earlierRefusals.put(gone.plugin(), gone);
            }
        }
    }

    private PluginGrants earlierRefusals(String symbolicName) {
        synchronized (earlierRefusals) {
            return earlierRefusals.remove(symbolicName);
        }
    }

    private static void limit(PluginGrants plugin, Policy current) {
        plugin.limits(current.quota(plugin.plugin()), current.patientsPerHour(), current.denialsPerMinute());
    }

    private static long hostServiceBits() {
        long bits = 0;
        for (Permission permission : Permission.values()) {
            bits |= permission.isAmbient() ? 0 : permission.bit();
        }
        return bits;
    }

    /** The part of a grant that decides which services a plugin sees and which events it gets. */
    static long visibility(long bits) {
        long key = bits & HOST_VISIBILITY;
        key |= (bits & (Permission.READ_PATIENTS.bit() | Permission.WRITE_PATIENTS.bit())) != 0 ? 1L << 40 : 0;
        key |= (bits & (Permission.READ_APPOINTMENTS.bit() | Permission.WRITE_APPOINTMENTS.bit())) != 0 ? 1L << 41 : 0;
        key |= (bits & (Permission.READ_AUDIT.bit() | Permission.WRITE_AUDIT.bit())) != 0 ? 1L << 42 : 0;
        return key;
    }

    static Set<String> ids(long bits) {
        Set<String> ids = new TreeSet<>();
        for (Permission permission : Permission.values()) {
            if ((bits & permission.bit()) != 0) {
                ids.add(permission.id());
            }
        }
        return ids;
    }

    private static String names(long bits) {
        Set<String> ids = ids(bits);
        return ids.isEmpty() ? "nothing" : String.join(", ", ids);
    }
}
