package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.HashMap;
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

    /**
     * A plugin whose code held a thread that starts or stops plugins past the bound: what of its code has not returned,
     * for how long when seen, and where ("" for its own start or stop, else the thread and the plugin it holds).
     */
    record Held(Bundle bundle, String what, long seconds, String where) {

        /** What it did, whole: "its activator's start has not returned for 30 s". */
        String reason() {
            return what + " for " + seconds + " s" + where;
        }

        String sentence() {
            return reason() + ": the thread that runs it is held (the framework's start-level thread, the deploy "
                    + "watcher's or an operator's command's), and a plugin's bundle lock with it";
        }
    }

    private static final String COMPONENT = "its component ";

    /**
     * How many looks pass between looks at SCR's components: every 5th with up to 100 plugins, then one more per 20
     * plugins (a look at 500 plugins' components costs about as much as {@code plugin:list} of them, about 0.1 s of CPU;
     * once every 25 s then). A component held longer than the bound is seen at most that much later.
     */
    static int componentLookEvery(int plugins) {
        return Math.max(5, plugins / 20);
    }

    private int looks;

    private final PluginBundles bundles;
    private final ComponentStates components;
    /** Bundle id to what holds and when it was first seen ({@link System#nanoTime}). */
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
    /** Thread, plugin and frame of plugin code seen on a lifecycle thread while a hold lasts, to when first seen. */
    private final Map<String, Long> culpritsSince = new HashMap<>();
    /** Of those, the ones reported: a hold is reported once, whichever plugin's start or stop it is seen holding. */
    private final java.util.Set<String> reportedCulprits = new java.util.HashSet<>();
    private final HeldThreads threads = new HeldThreads();
    /** For each hold reported (by the held plugin's id): who answers for it, while it lasts. */
    private final Map<Long, List<Held>> answers = new ConcurrentHashMap<>();

    private record Seen(String what, long since, boolean reported) {
    }

    HeldLifecycle(PluginBundles bundles, ComponentStates components) {
        this.bundles = bundles;
        this.components = components;
    }

    /**
     * Looks at every plugin now (called once a second); returns those held at least {@code boundSeconds}, each once per
     * hold. SCR's components are looked at every {@link #componentLookEvery} calls only (its answer costs more than the
     * bundles' states, in proportion to the plugins); a component's hold seen before is kept meanwhile.
     */
    List<Held> check(long boundSeconds, long now) {
        List<Held> due = new ArrayList<>();
        List<Long> present = new ArrayList<>();
        List<Bundle> plugins = bundles.plugins();
        boolean withComponents = looks++ % componentLookEvery(plugins.size()) == 0;
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
                due.add(new Held(bundle, what, seconds, ""));
            }
        }
        seen.keySet().retainAll(present);
        answers.keySet().retainAll(present);
        if (present.isEmpty()) {
            culpritsSince.clear();
            return due;
        }
        // while any start or stop is held: whose code each lifecycle thread runs, and since when
        Map<String, Long> still = new HashMap<>();
        List<HeldThreads.Culprit> lasting = new ArrayList<>();
        for (HeldThreads.Culprit culprit : threads.now(plugins)) {
            String key = culprit.key();
            long since = culpritsSince.getOrDefault(key, now);
            still.put(key, since);
            if ((now - since) / 1_000_000_000L >= boundSeconds) {
                lasting.add(culprit);
            }
        }
        culpritsSince.keySet().retainAll(still.keySet());
        culpritsSince.putAll(still);
        reportedCulprits.retainAll(still.keySet());
        return blame(due, lasting);
    }

    /**
     * Who is held past the bound: a plugin whose own code has run that long on a lifecycle thread answers for its
     * hold; one whose start or stop another plugin's code holds (a listener, a service factory, a delayed component)
     * is that plugin's victim, and the other plugin answers instead; with no lasting plugin code found, the state's
     * answer stands.
     */
    private List<Held> blame(List<Held> due, List<HeldThreads.Culprit> lasting) {
        List<Held> blamed = new ArrayList<>();
        java.util.Set<Long> named = new java.util.HashSet<>();
        for (Held hold : due) {
            long id = hold.bundle().getBundleId();
            List<HeldThreads.Culprit> others = lasting.stream().filter(c -> c.plugin().getBundleId() != id).toList();
            List<Held> answering = new ArrayList<>();
            if (others.isEmpty() || lasting.stream().anyMatch(c -> c.plugin().getBundleId() == id)) {
                answering.add(hold);
            } else {
                for (HeldThreads.Culprit culprit : others) {
                    if (!reportedCulprits.add(culprit.key())) {
                        continue; // reported already, holding another plugin's start or stop
                    }
                    answering.add(new Held(culprit.plugin(), "its code (" + culprit.frame() + ") has not returned",
                            hold.seconds(), ", on thread '" + culprit.thread() + "', holding the start or stop of "
                            + "plugin " + hold.bundle().getSymbolicName()));
                }
            }
            answers.put(id, answering);
            answering.stream().filter(held -> named.add(held.bundle().getBundleId())).forEach(blamed::add);
        }
        return blamed;
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
                for (Held answering : answers.getOrDefault(bundle.getBundleId(), List.of())) {
                    String line = "plugin " + answering.bundle().getSymbolicName() + " holds a container thread: "
                            + answering.what() + answering.where();
                    if (!held.contains(line)) {
                        held.add(line);
                    }
                }
            }
        }
        return held;
    }

    private static boolean lazy(Bundle bundle) {
        Object policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && "lazy".equals(String.valueOf(policy).split(";")[0].strip());
    }
}
