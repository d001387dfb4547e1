package org.carehost.security.internal;

import java.util.EnumSet;
import java.util.Map;

import org.osgi.framework.Bundle;

/**
 * Which plugin, if any, is the cause of a call the agent stopped at ({@link #current}: the stack walked by the rule of
 * {@link CauseWalk}), and what that rule reads: which plugin made a class loader, started a thread, made a task or a
 * pool. The records are filled as the agent's hooks see plugins make those things ({@link RuntimeRules}, {@link WorkHooks},
 * {@link PoolOwners}), and handed to the next security manager ({@link #provenance}).
 */
final class Causes {

    /** The agent's gate: the hooked method's frame is the one below it. */
    static final Class<?> GATE = gate();

    private final Origins origins;
    private final StackWalker walker = StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_HIDDEN_FRAMES));
    // by identity: a plugin's Thread or ClassLoader subclass may override hashCode and equals
    private final WeakIdentityMap<Bundle> threads = new WeakIdentityMap<>();
    private final WeakIdentityMap<Bundle> ownThreads = new WeakIdentityMap<>();
    private final TaskOrigins tasks;
    private final PoolOwners pools = new PoolOwners(this);
    private final Deputies deputies;
    private final java.util.function.BooleanSupplier pluginCodeMayHaveRun;

    Causes(PluginScope scope) {
        this(scope, null, id -> false, () -> true);
    }

    /**
     * @param quarantined whether the plugin of a bundle id is quarantined (its tasks are interrupted, not charged)
     * @param pluginCodeMayHaveRun false while no plugin's code can exist yet ({@link PluginCodeSeen}): no walk then
     */
    Causes(PluginScope scope, Deputies deputies, java.util.function.LongPredicate quarantined,
            java.util.function.BooleanSupplier pluginCodeMayHaveRun) {
        this.origins = new Origins(scope);
        this.deputies = deputies;
        this.pluginCodeMayHaveRun = pluginCodeMayHaveRun;
        this.tasks = new TaskOrigins(new TaskCharges(new ThreadCounters(), ownThreads::get, quarantined));
    }

    /** The plugin that causes the current call, or null for the container. */
    Bundle current(boolean throughFramework) {
        return current(throughFramework, false);
    }

    /**
     * The plugin that causes the current call, or null for the container; {@code alwaysWalk} for the rare calls whose
     * misjudgement would cost the most (a claim of the gate, the framework's lifecycle), which walk even before any
     * plugin code can exist.
     */
    Bundle current(boolean throughFramework, boolean alwaysWalk) {
        return current(throughFramework, alwaysWalk, false);
    }

    /**
     * {@link #current(boolean, boolean)}, throwing {@link UnownedCall} when {@code coercionRefused} (a call with a side
     * effect) and the call is made by what a filter builds from its text or by the shell's or SCR's reflection on a
     * plugin's object (the filter's own reflection, which it makes on its own account, has no side effect).
     */
    Bundle current(boolean throughFramework, boolean alwaysWalk, boolean coercionRefused) {
        if (!alwaysWalk && !pluginCodeMayHaveRun.getAsBoolean() && (deputies == null || deputies.here() == null)) {
            return null; // no plugin's class, thread or task can exist yet: the container's own start
        }
        if (!tasks.anyHere()) {
            return walker.walk(frames -> CauseWalk.causeIn(frames.iterator(), throughFramework, -1, coercionRefused,
                    origins, deputies, tasks, threads));
        }
        // a task a plugin made runs on this thread: the depth of each frame tells which task it is
        return walker.walk(frames -> {
            java.util.List<StackWalker.StackFrame> all = frames.collect(java.util.stream.Collectors.toList());
            return CauseWalk.causeIn(all.iterator(), throughFramework, all.size(), coercionRefused, origins, deputies,
                    tasks, threads);
        });
    }

    /**
     * A hooked call with a side effect (a file, a socket, a process, a thread, the JVM's state) that no plugin can be
     * held to and the container never means: made by what the framework's filter matching builds from a filter's text
     * (the OSGi filter rules: a property value's class's String constructor or valueOf), or a JDK method the shell or
     * SCR calls by reflection on a plugin's object. Refused for everyone.
     */
    static final class UnownedCall extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnownedCall(String what) {
            super(what, null, false, false);
        }
    }

    /** Which tasks plugins made, and which task each thread runs ({@link WorkHooks} keeps them up to date). */
    TaskOrigins tasks() {
        return tasks;
    }

    /** Which pools, timers and task threads are a plugin's own ({@link PoolOwners}). */
    PoolOwners pools() {
        return pools;
    }

    /** What pool workers spend on plugins' tasks, for the budgets. */
    TaskCharges charges() {
        return tasks.charges();
    }

    /** Whether a bundle is the container's own (the system bundle, or one the launcher installed). */
    boolean isContainer(Bundle bundle) {
        return origins.isContainer(bundle);
    }

    /** Whether a bundle is one of the container's libraries plugins may import (the SDK, Jackson, OSGi utilities). */
    boolean isLibrary(Bundle bundle) {
        return origins.isContainerLibrary(bundle);
    }

    /** Whether the class is this plugin's own: defined by its bundle's class loader, or by one it made. */
    boolean ownClass(Class<?> type, Bundle plugin) {
        Bundle owner = pluginOf(type);
        return owner != null && owner.getBundleId() == plugin.getBundleId();
    }

    /** Whether the class is one of a container library's that plugins may import (the OSGi converter's, say). */
    boolean libraryClass(Class<?> type) {
        Bundle bundle = origins.bundleOf(type);
        return bundle != null && origins.isContainerLibrary(bundle);
    }

    /** The plugin whose class this is, or null (the container's, the JDK's, a library's). */
    Bundle pluginOf(Class<?> type) {
        Object origin = origins.of(type, false);
        return origin instanceof Bundle ? (Bundle) origin : null;
    }

    /** Whether the agent runs: its gate is there to call. */
    static boolean agentRuns() {
        return GATE != Causes.class;
    }

    private static Class<?> gate() {
        try {
            return Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException noAgent) {
            return Causes.class; // never on a stack below the checker: without the agent there are no checks
        }
    }

    /**
     * Marks a thread as started by a plugin: a stack of JDK code only on it is the plugin's. {@code own}: the plugin's
     * code started it itself, or it is a worker of a pool the plugin made, its timer's thread or the thread the JDK
     * started for its task ({@link PoolOwners}): its own threads count whole against its CPU and allocation budgets
     * ({@link #ownThreadsByPlugin}). Once own, a thread stays own. A worker of a pool that is not the plugin's (the
     * common pool's, started inside its supplyAsync, runs everybody's tasks afterwards) is not marked at all
     * ({@link PoolOwners#counts}).
     */
    void started(Thread thread, Bundle plugin, boolean own) {
        threads.put(thread, plugin);
        if (own) {
            ownThreads.put(thread, plugin);
        }
    }

    /** What this security manager learnt of plugins' work, for the next one ({@link Provenance}). */
    Provenance provenance() {
        return new Provenance(origins, threads, ownThreads, tasks, pools);
    }

    /** The plugin that made this class loader, or null (a loader of the framework's, the JDK's, the container's). */
    Bundle loaderOwner(ClassLoader loader) {
        return origins.loaderOwner(loader);
    }

    /** Marks a class loader as created by a plugin: classes it defines are the plugin's. */
    void created(ClassLoader loader, Bundle plugin) {
        origins.created(loader, plugin);
    }

    /**
     * A class loader JDK code makes while a plugin is the cause (the plugin called {@code URLClassLoader.newInstance},
     * say): what it defines is the plugin's, else those classes would count as the container's class path. The JDK's
     * own reflection loaders (JDK 17's accessors, shared by every caller of a method afterwards) stay the JDK's.
     */
    void createdByJdkFor(ClassLoader loader, Bundle plugin) {
        if (recordsLoader(loader)) {
            origins.created(loader, plugin);
        }
    }

    /** Whether a class loader made for a plugin is recorded as its own: any but the JDK's reflection loaders. */
    static boolean recordsLoader(Object loader) {
        return loader instanceof ClassLoader && !loader.getClass().getName().startsWith("jdk.internal.reflect.");
    }

    /** Whether some plugin started this thread. */
    boolean startedByAPlugin(Thread thread) {
        return threads.get(thread) != null;
    }

    /** Whether the plugin started this thread (it may control its own threads). */
    boolean startedBy(Thread thread, Bundle plugin) {
        Bundle starter = threads.get(thread);
        return starter != null && starter.getBundleId() == plugin.getBundleId();
    }

    /** Threads the plugin started that are still running. */
    int liveThreads(Bundle plugin) {
        int live = 0;
        for (Map.Entry<Object, Bundle> entry : threads.snapshot().entrySet()) {
            if (entry.getValue().getBundleId() == plugin.getBundleId() && ((Thread) entry.getKey()).isAlive()) {
                live++;
            }
        }
        return live;
    }

    /**
     * The running threads that are each plugin's own: started by its code, or workers of its pools ({@link PoolOwners});
     * not workers of shared pools the JDK spawned during its calls (its tasks there are charged by {@link TaskCharges}).
     */
    Map<Bundle, java.util.List<Thread>> ownThreadsByPlugin() {
        Map<Long, Bundle> plugins = new java.util.HashMap<>();
        Map<Bundle, java.util.List<Thread>> all = new java.util.HashMap<>();
        ownThreads.snapshot().forEach((thread, plugin) -> {
            if (((Thread) thread).isAlive()) {
                Bundle key = plugins.computeIfAbsent(plugin.getBundleId(), id -> plugin);
                all.computeIfAbsent(key, id -> new java.util.ArrayList<>()).add((Thread) thread);
            }
        });
        return all;
    }
}
