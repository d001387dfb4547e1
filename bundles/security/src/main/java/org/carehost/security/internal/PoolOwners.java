package org.carehost.security.internal;

import java.util.Iterator;

import org.osgi.framework.Bundle;

/**
 * Which pools, timers and threads are a plugin's own: their threads count whole against its CPU and allocation budgets,
 * towards its thread budget, are under its control and are interrupted when it is quarantined. The rule:
 * <ul>
 * <li>a {@code ThreadPoolExecutor} or {@code ForkJoinPool} is a plugin's when the plugin is the cause of its
 * constructor's call ({@link Causes#current}: {@code Executors.newFixedThreadPool} included, the JDK's and libraries'
 * frames being passed over), or when its thread factory is a class of the plugin's; a {@code java.util.Timer} when the
 * plugin is the cause of its making;</li>
 * <li>but none made below a class initialiser of a class that is not the plugin's (the JDK's, a library's, the
 * container's): such a pool or timer is a shared one made lazily by whoever first needs it (the OSGi promises' callback
 * executor, say), and is nobody's whoever's call triggered it. The same holds for any thread started below such an
 * initialiser ({@link #counts});</li>
 * <li>the workers such a pool starts, a timer's thread, and the thread {@code CompletableFuture}'s thread-per-task
 * executor starts for a task the plugin made, are the plugin's own threads (the JDK's code starts them, which alone
 * would not make them so: {@link Causes#started});</li>
 * <li>a worker that any other pool starts (the common pool's, a container's or a library's), or another's timer thread,
 * is nobody's, though a plugin's call made the pool start it: not counted towards the plugin's thread budget, not under
 * its control, never interrupted for it; a plugin's tasks on it are charged as tasks ({@link TaskCharges}).</li>
 * </ul>
 * Recorded by identity, weakly, from the agent's hooks at the pools' constructors (the ones every other constructor
 * calls; the common pool's own is not hooked) and just before a pool starts a worker ({@code addWorker},
 * {@code createWorker}), a timer its thread, or the thread-per-task executor its thread; each of these comes before
 * the thread's own start hook, which {@link #counts} answers.
 */
final class PoolOwners {

    /** The owner of a thread known to be nobody's (a shared pool's worker). */
    private static final Object NOBODY = new Object();

    private final WeakIdentityMap<Bundle> pools = new WeakIdentityMap<>();
    /** Threads whose start a pool, timer or task announced: their owner, or {@link #NOBODY}. */
    private final WeakIdentityMap<Object> announced = new WeakIdentityMap<>();
    private final Causes causes;
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    PoolOwners(Causes causes) {
        this.causes = causes;
    }

    /** A pool is being made (the agent's hook in its constructor, with its thread factory). */
    void made(Object pool, Object factory) {
        Bundle plugin = causes.current(false);
        if (plugin == null && factory != null) {
            plugin = causes.pluginOf(factory.getClass());
        }
        if (plugin != null && !belowSharedInitialiser()) {
            pools.put(pool, plugin);
        }
    }

    /** The pools plugins made, with their plugin ({@link Provenance#record}). */
    java.util.Map<Object, Bundle> ownedPools() {
        return pools.snapshot();
    }

    /** Pools a previous security manager knew as plugins' ({@link Provenance#adopt}). */
    void adoptPool(Object pool, Bundle plugin) {
        pools.putIfAbsent(pool, plugin);
    }

    /** A pool starts a worker (the agent's hook just before it does): a plugin's pool's workers are its own threads. */
    void workerStarts(Object pool, Thread worker) {
        announce(worker, pools.get(pool));
    }

    /** A {@code java.util.Timer}'s constructor starts its thread (the agent's hook just before). */
    void timerStarts(Thread thread) {
        Bundle plugin = causes.current(false);
        announce(thread, plugin != null && !belowSharedInitialiser() ? plugin : null);
    }

    /**
     * A thread is started to run one task and end (CompletableFuture's thread-per-task executor, which JDK 17 uses for
     * its async methods when the common pool has one thread, even when the common pool is named): a thread for a task a
     * plugin made is that plugin's own, though the JDK starts it.
     */
    void taskThread(Object task, Thread thread) {
        announce(thread, causes.tasks().makerOf(task));
    }

    private void announce(Thread thread, Bundle owner) {
        if (thread == null) {
            return;
        }
        announced.put(thread, owner == null ? NOBODY : owner);
        if (owner != null) {
            causes.started(thread, owner, true);
        }
    }

    /**
     * Whether a thread the plugin causes to start is counted as the plugin's (its thread budget, then marked as
     * started by it): not a worker of a pool that is not its own, another's timer thread or task thread (announced
     * before its start as nobody's or another's), nor a thread started below a class initialiser that is not the
     * plugin's; its own pool's worker, timer thread or task thread is counted.
     */
    boolean counts(Thread thread, Bundle plugin) {
        Object owner = announced.get(thread);
        if (owner != null) {
            return owner instanceof Bundle && ((Bundle) owner).getBundleId() == plugin.getBundleId();
        }
        return !belowSharedInitialiser();
    }

    /**
     * Whether the hooked call runs below a class initialiser ({@code <clinit>}) of a class that is not a plugin's,
     * between the gate and the first plugin frame (or the bottom of the stack): the class's own, whoever triggered it.
     */
    boolean belowSharedInitialiser() {
        return walker.walk(frames -> {
            Iterator<StackWalker.StackFrame> it = frames.dropWhile(frame -> frame.getDeclaringClass() != Causes.GATE)
                    .iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (frame.getDeclaringClass() != Causes.GATE && causes.pluginOf(frame.getDeclaringClass()) != null) {
                    return false;
                }
                if (frame.getMethodName().equals("<clinit>")) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * What a pool hook reports: a pool made (its constructor: the pool and its thread factory, the sixth argument of
     * ThreadPoolExecutor's, the second of ForkJoinPool's) or a worker about to start (the pool and the thread).
     */
    static ChokePoints.Request request(String owner, String method, Object self, Object[] args) {
        if (method.equals("<init>")) {
            Object factory = owner.endsWith("ForkJoinPool") ? args[1] : args[5];
            return ChokePoints.Request.of(ChokePoints.Kind.POOL_MADE, null, new Object[] {self, factory});
        }
        return ChokePoints.Request.of(ChokePoints.Kind.WORKER_START, null, new Object[] {self, args[0]});
    }
}
