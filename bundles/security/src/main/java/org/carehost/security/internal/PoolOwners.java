package org.carehost.security.internal;

import org.osgi.framework.Bundle;

/**
 * Which pools a plugin made: a {@code ThreadPoolExecutor} or {@code ForkJoinPool} whose constructor its code called
 * ({@code Executors.newFixedThreadPool} included: the JDK's frames are passed over, as for any cause), or whose thread
 * factory is a class of its own. The workers such a pool starts are the plugin's own threads, for its CPU and
 * allocation budgets as for the rest, whoever's call made the pool start them (the JDK's code starts them, which alone
 * would not make them the plugin's own: {@link Causes#started}). Recorded by identity, weakly, from the agent's hooks at
 * the pools' constructors (the ones every other constructor calls; the common pool's own is not hooked) and just before
 * a pool starts a worker ({@code addWorker}, {@code createWorker}: the pool and the thread). A pool made inside a JDK
 * class's initialiser (the JDK's shared pools, made lazily by whoever first needs one) is nobody's. A thread that
 * CompletableFuture's thread-per-task executor starts for a task a plugin made is that plugin's own thread too, and so
 * is the thread of a {@code java.util.Timer} its code made.
 */
final class PoolOwners {

    private final WeakIdentityMap<Bundle> pools = new WeakIdentityMap<>();
    private final Causes causes;

    PoolOwners(Causes causes) {
        this.causes = causes;
    }

    /**
     * A pool is being made (the agent's hook in its constructor): one a plugin's code makes, or whose thread factory
     * is a plugin's class, is that plugin's; not one a JDK class's initialiser makes.
     */
    void made(Object pool, Object factory) {
        Bundle plugin = causes.madeInJdkInitialiser() ? null : causes.current(false);
        if (plugin == null && factory != null) {
            plugin = causes.pluginOf(factory.getClass());
        }
        if (plugin != null) {
            pools.put(pool, plugin);
        }
    }

    /** A pool starts a worker (the agent's hook just before it does): a plugin's pool's workers are its own threads. */
    void workerStarts(Object pool, Thread worker) {
        Bundle owner = pools.get(pool);
        if (owner != null && worker != null) {
            causes.started(worker, owner, true);
        }
    }

    /**
     * A {@code java.util.Timer}'s constructor starts its thread (the agent's hook just before): the timer a plugin's
     * code makes runs only its tasks, so its thread is the plugin's own; not one a JDK class's initialiser makes.
     */
    void timerStarts(Object timer, Thread thread) {
        Bundle plugin = causes.madeInJdkInitialiser() ? null : causes.current(false);
        if (plugin != null && thread != null) {
            causes.started(thread, plugin, true);
        }
    }

    /**
     * A thread is started to run one task and end (CompletableFuture's thread-per-task executor, which JDK 17 uses for
     * its async methods when the common pool has one thread, even when the common pool is named): a thread for a task a
     * plugin made is that plugin's own, though the JDK starts it.
     */
    void taskThread(Object task, Thread thread) {
        Bundle maker = causes.makerOf(task);
        if (maker != null && thread != null) {
            causes.started(thread, maker, true);
        }
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
