package org.carehost.security.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.osgi.framework.Bundle;

/**
 * What a security manager learnt of plugins' work that the next one could not learn again: a class loader a plugin made,
 * the threads it started (and those that are its own), the tasks it made and the pools it owns are each recorded once,
 * as they are made ({@link Causes}). The checker left in the gate hands its {@link #record} to the next when it claims
 * the gate ({@link Lockdown}), which {@link #adopt}s it before it decides anything, so that a restart of the
 * security manager does not turn a plugin's own loader's classes, threads or queued tasks into the container's.
 *
 * <p>The record holds JDK types only (the next security manager's classes may be another revision's): a map keyed by
 * {@link #LOADERS} and the like, each an identity map to the plugin's bundle. Nothing is called on a plugin's objects:
 * the maps compare keys by identity.
 */
final class Provenance {

    static final String LOADERS = "carehost.recorded.loaders";
    static final String THREADS = "carehost.recorded.threads";
    static final String OWN_THREADS = "carehost.recorded.ownThreads";
    static final String TASKS = "carehost.recorded.tasks";
    static final String POOLS = "carehost.recorded.pools";

    private final Origins origins;
    private final WeakIdentityMap<Bundle> threads;
    private final WeakIdentityMap<Bundle> ownThreads;
    private final TaskOrigins tasks;
    private final PoolOwners pools;

    Provenance(Origins origins, WeakIdentityMap<Bundle> threads, WeakIdentityMap<Bundle> ownThreads, TaskOrigins tasks,
            PoolOwners pools) {
        this.origins = origins;
        this.threads = threads;
        this.ownThreads = ownThreads;
        this.tasks = tasks;
        this.pools = pools;
    }

    /** A snapshot of what is recorded now, for the next security manager. */
    Map<String, Map<Object, Bundle>> record() {
        Map<String, Map<Object, Bundle>> record = new HashMap<>();
        record.put(LOADERS, origins.createdLoaders());
        record.put(THREADS, threads.snapshot());
        record.put(OWN_THREADS, ownThreads.snapshot());
        record.put(TASKS, tasks.madeTasks());
        record.put(POOLS, pools.ownedPools());
        return record;
    }

    /** Takes over a previous security manager's {@link #record}; what this one has recorded already stays. */
    void adopt(Map<?, ?> record) {
        adopt(record.get(LOADERS), (key, plugin) -> {
            if (key instanceof ClassLoader) {
                origins.adoptLoader((ClassLoader) key, plugin);
            }
        });
        adopt(record.get(THREADS), (key, plugin) -> {
            if (key instanceof Thread) {
                threads.putIfAbsent(key, plugin);
            }
        });
        adopt(record.get(OWN_THREADS), (key, plugin) -> {
            if (key instanceof Thread) {
                ownThreads.putIfAbsent(key, plugin);
            }
        });
        adopt(record.get(TASKS), tasks::made);
        adopt(record.get(POOLS), pools::adoptPool);
    }

    private static void adopt(Object entries, BiConsumer<Object, Bundle> into) {
        if (entries instanceof Map) {
            ((Map<?, ?>) entries).forEach((key, value) -> {
                if (key != null && value instanceof Bundle) {
                    into.accept(key, (Bundle) value);
                }
            });
        }
    }
}
