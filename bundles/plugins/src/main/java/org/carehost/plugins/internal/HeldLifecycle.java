package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Plugins whose code holds the thread that starts or stops them, decided from the framework's and SCR's state: a
 * bundle STARTING (its activator's start has not returned; not one waiting for lazy activation), STOPPING (its
 * activator's stop or a component's deactivate has not returned), or an immediate component SATISFIED but not active
 * (its constructor or activate method has not returned). The framework and SCR run that code on the thread that asked
 * for the start or stop: the framework's start-level thread at a restart, the deploy watcher's, an operator's command's.
 * Java cannot take a thread back from code that does not return, and the bundle's lock stays held with it, so past
 * the stated bound the plugin is reported once, as held, with what holds and since when: the caller makes that a
 * failure and a quarantine (which keeps the plugin from starting again at the next start).
 */
final class HeldLifecycle {

    /** A plugin held past the bound: what of its code has not returned, and for how long it had not when seen. */
    record Held(Bundle bundle, String what, long seconds) {

        String sentence() {
            return what + " for " + seconds + " s: the thread that runs it is held (the framework's start-level "
                    + "thread, the deploy watcher's or an operator's command's), and the plugin's bundle lock with it";
        }
    }

    private static final String COMPONENT = "its component ";

    private final PluginBundles bundles;
    private final ComponentStates components;
    /** Bundle id to what holds and when it was first seen ({@link System#nanoTime}). */
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(String what, long since, boolean reported) {
    }

    HeldLifecycle(PluginBundles bundles, ComponentStates components) {
        this.bundles = bundles;
        this.components = components;
    }

    /**
     * Looks at every plugin now; returns those held at least {@code boundSeconds}, each once per hold. Components are
     * looked at only when {@code components} is set (SCR's answer costs more than the bundles' states: a caller looks
     * at them less often); a component's hold seen before is kept meanwhile.
     */
    List<Held> check(long boundSeconds, long now, boolean withComponents) {
        List<Held> due = new ArrayList<>();
        List<Long> present = new ArrayList<>();
        List<Bundle> plugins = bundles.plugins();
        Map<Long, String> activating = null;
        if (withComponents) {
            java.util.Set<Long> active = new java.util.HashSet<>();
            plugins.stream().filter(bundle -> bundle.getState() == Bundle.ACTIVE)
                    .forEach(bundle -> active.add(bundle.getBundleId()));
            activating = active.isEmpty() ? Map.of() : components.activating(active);
        }
        for (Bundle bundle : plugins) {
            String what = holding(bundle, activating);
            if (what == null) {
                continue;
            }
            long id = bundle.getBundleId();
            present.add(id);
            Seen before = seen.get(id);
            if (before == null || !before.what().equals(what)) {
                seen.put(id, new Seen(what, now, false));
                continue;
            }
            long seconds = (now - before.since()) / 1_000_000_000L;
            if (!before.reported() && seconds >= boundSeconds) {
                seen.put(id, new Seen(what, before.since(), true));
                due.add(new Held(bundle, what, seconds));
            }
        }
        seen.keySet().retainAll(present);
        return due;
    }

    /**
     * What of the plugin's code holds the thread that starts or stops it, or null if nothing does now; {@code activating}
     * (bundle id to component) null: the component hold seen last, if any, stands.
     */
    private String holding(Bundle bundle, Map<Long, String> activating) {
        int state = bundle.getState();
        if (state == Bundle.STARTING && !lazy(bundle)) {
            return "its activator's start has not returned";
        }
        if (state == Bundle.STOPPING) {
            return "its activator's stop or a component's deactivate has not returned";
        }
        if (state != Bundle.ACTIVE) {
            return null;
        }
        if (activating == null) {
            Seen before = seen.get(bundle.getBundleId());
            return before != null && before.what().startsWith(COMPONENT) ? before.what() : null;
        }
        String component = activating.get(bundle.getBundleId());
        return component == null ? null : COMPONENT + component + "'s constructor or activate method has not returned";
    }

    /** Plugins held past the bound and still held: their words, for readiness and {@code plugin:why}. */
    List<String> stillHeld() {
        List<String> held = new ArrayList<>();
        for (Bundle bundle : bundles.plugins()) {
            Seen hold = seen.get(bundle.getBundleId());
            if (hold != null && hold.reported() && hold.what().equals(holding(bundle, null))) {
                held.add("plugin " + bundle.getSymbolicName() + " holds a container thread: " + hold.what());
            }
        }
        return held;
    }

    private static boolean lazy(Bundle bundle) {
        Object policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && "lazy".equals(String.valueOf(policy).split(";")[0].strip());
    }
}
