package org.carehost.security.internal;

import java.util.EnumSet;
import java.util.Map;

import org.osgi.framework.Bundle;

/**
 * Which plugin, if any, is the cause of a call the agent stopped at. The rule, as the JDK SecurityManager's stack
 * inspection had it but without {@code doPrivileged}: the stack is walked from the innermost frame outwards;
 * <ul>
 * <li>JDK frames, and frames of the libraries plugins may import (the SDK, Jackson, the OSGi utility and API
 * bundles: {@link Origins#LIBRARIES}), are passed over: they act for whoever called them, so a plugin cannot act through
 * them;</li>
 * <li>the first plugin frame makes that plugin the cause;</li>
 * <li>the first other container frame (a host service, the store, the audit journal, SCR, Event Admin, Config
 * Admin, the framework) makes the container the cause: container code called by a plugin acts on its own account,
 * and checks what plugins ask of it itself (grants, the import allow-list, the descriptor and activator checks). For
 * the framework's own hooks (bundle lifecycle, install) the framework's frames are passed over too, so that a plugin
 * cannot stop another bundle through it. Container code entered for its caller, by reflection, a method handle or
 * Jackson ({@link Origins#enteredForCaller}), is not called through an API of the container's: its frames are passed over
 * and the walk goes on (save a class initialiser, which is the class's own whoever triggers it);</li>
 * <li>a frame where a task for one of the JDK's executors runs (a fork-join task, a {@code FutureTask}) that a plugin
 * made makes that plugin the cause ({@link TaskOrigins}): work handed to the common pool is its maker's;</li>
 * <li>a stack with no such frame (a thread running only JDK code) belongs to the plugin that started the thread,
 * if one did, else to the container (a shared pool's worker is nobody's, whoever's call made the pool start it:
 * {@link PoolOwners}).</li>
 * </ul>
 * Container classes that run what their caller hands them (CareContexts.carry's wrapper) are passed over like
 * library code, when their bundle names them in the {@value Origins#ACTS_FOR_CALLER} manifest header.
 * Classes defined by a class loader a plugin created count as that plugin's. While a container bundle acts for a
 * plugin ({@link Deputies}), its own frames are passed over and its {@code actFor} frame makes that plugin the cause.
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
            return walker.walk(frames -> causeIn(frames.iterator(), throughFramework, -1, coercionRefused));
        }
        // a task a plugin made runs on this thread: the depth of each frame tells which task it is
        return walker.walk(frames -> {
            java.util.List<StackWalker.StackFrame> all = frames.collect(java.util.stream.Collectors.toList());
            return causeIn(all.iterator(), throughFramework, all.size(), coercionRefused);
        });
    }

    /** The walk of {@link #current}; total is the stack's depth when tasks are noted on this thread, else -1. */
    private Bundle causeIn(java.util.Iterator<StackWalker.StackFrame> it, boolean throughFramework, int total,
            boolean coercionRefused) {
        int index = 0;
        // the checker's own frames, down to the gate, are not the call's: skip them
        StackWalker.StackFrame gate = null;
        while (it.hasNext() && gate == null) {
            StackWalker.StackFrame frame = it.next();
            index++;
            gate = frame.getDeclaringClass() == GATE ? frame : null;
        }
        boolean jdkMethodHooked = true;
        if (gate != null && gate.getMethodName().equals("check") && it.hasNext()) {
            // the hooked method itself, which may be a container bundle's (the shell's streams)
            jdkMethodHooked = ChokePoints.isJdk(it.next().getDeclaringClass());
            index++;
        }
        // a blind invoker calls a JDK method a plugin's class inherits; a hooked method of the container's own
        // (Config Admin's, which the shell's cm: commands call by reflection on the container's service) is no
        // plugin's: the operator's cm:getconfiguration was refused as an unowned call
        coercionRefused = coercionRefused && jdkMethodHooked;
        // container frames passed over because they were entered for their caller: a plugin found further out is
        // the cause unless one of them is a class initialiser (a frame's method name is dear to get: asked only then)
        java.util.List<StackWalker.StackFrame> passedOver = null;
        Deputies.Acting acting = deputies == null ? null : deputies.here();
        boolean pastTheJdk = false; // a frame with an origin of its own (not the JDK's or a library's) was met
        while (it.hasNext()) {
            StackWalker.StackFrame frame = it.next();
            int depth = total - index++;
            if (acting != null && actsFor(frame, acting)) {
                if (Deputies.isMark(frame)) {
                    return acting.plugin();
                }
                continue; // the deputy bundle's own code, working for the plugin
            }
            Object origin = origins.of(frame.getDeclaringClass(), throughFramework);
            if (coercionRefused && !pastTheJdk) {
                // the first frame past the JDK's (and the libraries') is what made the call: when that is the
                // framework's filter matching, or container code that calls methods by reflection on an object a
                // plugin supplied, the JDK method was chosen by plugin data and no plugin frame is on the stack
                if (origin == Origins.FILTER) {
                    // a PrintWriter built on a filter's text (redteam-2: SCR looking a plugin's reference target up
                    // against a plugin's property emptied the data key)
                    throw new UnownedCall("a filter match (" + frame.getClassName() + ") building a property value's"
                            + " class from the filter's text");
                }
                String invoker = BLIND_INVOKERS.get(frame.getClassName());
                if (invoker != null) {
                    throw new UnownedCall(invoker);
                }
            }
            pastTheJdk = pastTheJdk || origin != null;
            if (origin == Origins.FILTER) {
                // Filter matching acts for whoever asked for the match, and so do the framework's frames that asked
                // for it (a service look-up by a filter): past them to that caller, a plugin's getServiceReferences
                // with a value of its own, or the container's own look-up.
                throughFramework = true;
                continue;
            }
            if (origin == Origins.CONTAINER) {
                // container code, on its own account, unless it was entered for its caller: then the walk goes on
                // past the container's frames to that caller
                java.util.List<StackWalker.StackFrame> block = new java.util.ArrayList<>(8);
                block.add(frame);
                StackWalker.StackFrame caller = null;
                while (caller == null && it.hasNext()) {
                    StackWalker.StackFrame next = it.next();
                    index++;
                    if (origins.of(next.getDeclaringClass(), throughFramework) == Origins.CONTAINER) {
                        block.add(next);
                    } else {
                        caller = next;
                    }
                }
                if (caller == null || !origins.enteredForCaller(caller.getDeclaringClass())) {
                    return null;
                }
                if (passedOver == null) {
                    passedOver = block;
                } else {
                    passedOver.addAll(block);
                }
                continue;
            }
            if (origin != null) {
                return unlessInitialising((Bundle) origin, passedOver);
            }
            if (total >= 0 && TaskOrigins.isTaskFrame(frame)) {
                Bundle maker = tasks.at(depth);
                if (maker != null) {
                    return unlessInitialising(maker, passedOver);
                }
            }
        }
        return unlessInitialising(threads.get(Thread.currentThread()), passedOver);
    }

    /**
     * Container frames that call a method by reflection on an object a plugin supplied, the method chosen by the
     * plugin's data: the shell a command's function, SCR a component's lifecycle or bind method. When such a frame is
     * the first past the JDK's below a hooked call, the method called is a JDK one the plugin's class inherits (a
     * command extending java.io.File, whose delete the operator's command would run; a component whose activate is
     * File's deleteOnExit) and no frame of the plugin's is on the stack.
     */
    private static final Map<String, String> BLIND_INVOKERS = Map.of(
            "org.apache.felix.gogo.runtime.Reflective", "the shell calling a JDK method of a plugin's command by "
                    + "reflection (a command class inheriting it from a JDK class)",
            "org.apache.felix.scr.impl.inject.methods.BaseMethod", "SCR calling a JDK method of a plugin's component "
                    + "by reflection (a lifecycle or bind method inherited from a JDK class)");

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

    /** The plugin found, or the container if a container frame passed over on the way is a class initialiser. */
    private static Bundle unlessInitialising(Bundle plugin, java.util.List<StackWalker.StackFrame> passedOver) {
        if (plugin == null || passedOver == null) {
            return plugin;
        }
        for (StackWalker.StackFrame frame : passedOver) {
            if (frame.getMethodName().equals("<clinit>")) {
                return null; // a class's initialiser is its own, whoever triggered it
            }
        }
        return plugin;
    }

    /** Whether a frame is the deputy's: its {@code actFor} mark, or its bundle's own code. */
    private boolean actsFor(StackWalker.StackFrame frame, Deputies.Acting acting) {
        if (Deputies.isMark(frame)) {
            return true;
        }
        Bundle definer = origins.bundleOf(frame.getDeclaringClass());
        return definer != null && definer.getBundleId() == acting.deputy();
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
