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
 * the stated bound the hold is reported once, with what holds and since when: the caller makes that a failure and, when
 * the holder is certain, a quarantine (which keeps the plugin from starting again at the next start).
 *
 * <p>The holder is read from the thread that runs the start or stop ({@link HeldThreads}): the plugin whose code is on it
 * (another plugin's listener holds a start as well as the plugin's own activator), or whose thread owns the lock it
 * waits for. Certain when one plugin's code is there, the same in three looks; otherwise (no such thread any more, a
 * class name two plugins hold, code of two plugins in turn) the hold is reported against the held plugin and nobody
 * is quarantined. A plugin's own stop held while the framework stops is not reported (a slow deactivate at shutdown is
 * no reason to keep it stopped; the container's stop has its own bound); another plugin's code holding it still is.
 */
final class HeldLifecycle {

    /**
     * A hold past the bound: the plugin that answers for it, what of its code has not returned, for how long when seen,
     * where ("" for its own start or stop, else the thread and the plugin whose start or stop it holds), and whether
     * the holder is certain (only then is it quarantined).
     */
    record Held(Bundle bundle, String what, long seconds, String where, boolean certain) {

        /** What it did, whole: "its activator's start has not returned for 30 s". */
        String reason() {
            return what + " for " + seconds + " s" + where;
        }

        String sentence() {
            return reason() + ": the thread that runs it is held (the framework's start-level thread, the deploy "
                    + "watcher's or an operator's command's), and a plugin's bundle lock with it"
                    + (certain ? "" : "; whose code holds it could not be told for certain, so nothing is quarantined");
        }
    }

    private static final String COMPONENT = "its component ";
    private static final String STOP = "its activator's stop or a component's deactivate has not returned";

    /**
     * How many looks pass between looks at SCR's components: every 5th with up to 100 plugins, then one more per 20
     * plugins (a look at 500 plugins' components costs about as much as {@code plugin:list} of them, about 0.1 s of CPU;
     * once every 25 s then). A component hold is asked about again, for its plugin alone, before it is reported.
     */
    static int componentLookEvery(int plugins) {
        return Math.max(5, plugins / 20);
    }

    private final PluginBundles bundles;
    private final ComponentStates components;
    private final HeldThreads threads;
    /** Bundle id to what holds and when it was first seen ({@link System#nanoTime}). */
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
    /** For each hold reported (by the held plugin's id): who answers for it, while it lasts. */
    private final Map<Long, Held> answers = new ConcurrentHashMap<>();
    private int looks;

    private record Seen(String what, long since, boolean reported) {
    }

    HeldLifecycle(PluginBundles bundles, ComponentStates components, HeldThreads threads) {
        this.bundles = bundles;
        this.components = components;
        this.threads = threads;
    }

    /**
     * Looks at every plugin now (called once a second); returns the holds that reached {@code boundSeconds}, each once.
     * SCR's components are looked at every {@link #componentLookEvery} calls only (its answer costs more than the
     * bundles' states, in proportion to the plugins); a component's hold seen before is kept meanwhile.
     */
    List<Held> check(long boundSeconds, long now, boolean frameworkStopping) throws InterruptedException {
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
                due.add(new Held(bundle, what, seconds, "", false));
            }
        }
        seen.keySet().retainAll(present);
        answers.keySet().retainAll(present);
        List<Held> reported = new ArrayList<>();
        for (Held hold : due) {
            if (hold.what().startsWith(COMPONENT) && !stillActivating(hold.bundle())) {
                seen.remove(hold.bundle().getBundleId()); // the last look at the components is older than the hold
                continue;
            }
            Held answering = blame(hold, plugins);
            if (frameworkStopping && hold.what().equals(STOP)
                    && (!answering.certain() || answering.bundle().getBundleId() == hold.bundle().getBundleId())) {
                continue; // its own stop, slow as the container stops: no reason to keep it stopped
            }
            answers.put(hold.bundle().getBundleId(), answering);
            reported.add(answering);
        }
        return reported;
    }

    /**
     * Who answers for a hold: the plugin whose code holds the thread that runs the start or stop (the held plugin
     * itself, or the plugin whose listener, service or lock holds it, its victim), when that is certain; else the held
     * plugin, uncertain.
     */
    private Held blame(Held hold, List<Bundle> plugins) throws InterruptedException {
        Thread thread = threads.lifecycleThread(hold.bundle());
        HeldThreads.Holder holder = thread == null ? null : threads.holderOf(thread, plugins);
        if (holder == null || !holder.certain()) {
            String why = holder == null ? "" : "; its code there is of a class that plugins "
                    + holder.candidates().stream().map(Bundle::getSymbolicName).toList() + " all hold";
            return new Held(hold.bundle(), hold.what(), hold.seconds(), why, false);
        }
        if (holder.plugin().getBundleId() == hold.bundle().getBundleId() && !holder.byLock()) {
            return new Held(hold.bundle(), hold.what(), hold.seconds(), "", true);
        }
        String where = (holder.byLock() ? ", owning the lock that thread '" + thread.getName() + "' waits for, on thread '"
                + holder.thread() + "'" : ", on thread '" + holder.thread() + "'") + ", holding the start or stop of plugin "
                + hold.bundle().getSymbolicName();
        return new Held(holder.plugin(), "its code (" + holder.frame() + ") has not returned", hold.seconds(), where,
                true);
    }

    /** Whether the plugin's immediate component is still being activated, SCR asked about that plugin alone. */
    private boolean stillActivating(Bundle bundle) {
        return components.problemsOf(bundle).stream()
                .anyMatch(problem -> problem.kind() == ComponentStates.Trouble.ACTIVATING);
    }

    /**
     * What of the plugin's code holds the thread that starts or stops it, or null if nothing does now; {@code activating}
     * (bundle id to component) null: the component hold seen last, if any, stands.
     */
    private String holding(Bundle bundle, Map<Long, String> activating) {
        int state = bundle.getState();
        if (state == Bundle.STARTING && !waitsForLazyActivation(bundle)) {
            return "its activator's start has not returned";
        }
        if (state == Bundle.STOPPING) {
            return STOP;
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
                Held answering = answers.get(bundle.getBundleId());
                String line = answering == null ? null : "plugin " + answering.bundle().getSymbolicName()
                        + " holds a container thread: " + answering.what() + answering.where();
                if (line != null && !held.contains(line)) {
                    held.add(line);
                }
            }
        }
        return held;
    }

    /**
     * STARTING because it waits for its first class load (a lazy activation policy, and started so that the policy is
     * used): no code of its runs yet. A lazy header alone is not that: {@code Bundle.start()} without the policy option
     * runs the activator at once.
     */
    static boolean waitsForLazyActivation(Bundle bundle) {
        Object policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        org.osgi.framework.startlevel.BundleStartLevel level =
                bundle.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
        return policy != null && "lazy".equals(String.valueOf(policy).split(";")[0].strip()) && level != null
                && level.isActivationPolicyUsed();
    }
}
