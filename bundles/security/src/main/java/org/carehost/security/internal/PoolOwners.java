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
 * class's initialiser (the JDK's shared pools, made lazily by whoever first needs one) is nobody's.
 */
final class PoolOwners {

    private final WeakIdentityMap<Bundle> pools = new WeakIdentityMap<>();

    void made(Object pool, Bundle plugin) {
        pools.put(pool, plugin);
    }

    /** The plugin that made the pool, or null (the container's, the JDK's, the common pool). */
    Bundle ownerOf(Object pool) {
        return pools.get(pool);
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
