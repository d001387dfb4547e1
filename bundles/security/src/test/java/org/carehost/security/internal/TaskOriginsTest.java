package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** Which plugin a task for a JDK executor works for, by the depth of its frame; and the identity map it keeps. */
class TaskOriginsTest {

    private final Bundle plugin = bundle();
    private final Bundle other = bundle();

    @Test
    void aTaskAPluginMadeIsItsAtTheDepthItRunsAndNoDeeper() {
        TaskOrigins origins = new TaskOrigins();
        Object pluginsTask = new Object();
        Object containersTask = new Object();
        origins.made(pluginsTask, plugin);
        assertFalse(origins.anyHere(), "nothing noted before a task runs");
        assertFalse(origins.concerns(containersTask), "the container's task on a thread with no note: nothing to do");
        assertTrue(origins.concerns(pluginsTask));
        origins.started(pluginsTask, 10);
        assertTrue(origins.anyHere());
        assertSame(plugin, origins.at(10));
        assertNull(origins.at(11), "only the task's own frame");
        // a join helping: the container's task runs inside the plugin's, deeper; the plugin's note stays below it
        assertTrue(origins.concerns(containersTask), "notes are here: the depth must be known");
        origins.started(containersTask, 15);
        assertSame(plugin, origins.at(10));
        assertNull(origins.at(15));
        // the plugin's task has ended: the next task at its depth replaces its note, whoever made it
        origins.started(containersTask, 10);
        assertNull(origins.at(10));
        assertFalse(origins.anyHere());
    }

    @Test
    void aContainersTaskInsideAPluginsIsNobodysUntilItEndsThenThePluginsChargeResumes() {
        java.util.Set<Long> quarantined = new java.util.HashSet<>();
        TaskOrigins origins = new TaskOrigins(new TaskCharges(new ThreadCounters(), thread -> null, quarantined::contains));
        Object pluginsTask = new Object();
        origins.made(pluginsTask, plugin);
        origins.started(pluginsTask, 10);
        origins.started(new Object(), 15); // a join helping: the container's task inside the plugin's
        assertNull(origins.at(15), "a walk passes over it, to the plugin's task further out");
        quarantined.add(plugin.getBundleId());
        origins.charges().quarantined(plugin);
        assertFalse(Thread.currentThread().isInterrupted(), "the worker is in nobody's charge");
        origins.ended(15); // returned or thrown
        assertSame(plugin, origins.at(10));
        assertTrue(Thread.interrupted(), "the plugin's task resumes, interrupted");
        origins.ended(10);
        assertFalse(origins.anyHere());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void nestedTasksOfTwoPluginsAreEachTheirMakers() {
        TaskOrigins origins = new TaskOrigins();
        Object first = new Object();
        Object second = new Object();
        origins.made(first, plugin);
        origins.made(second, other);
        origins.started(first, 8);
        origins.started(second, 20);
        assertSame(plugin, origins.at(8));
        assertSame(other, origins.at(20));
        origins.started(second, 12); // the deeper note's frame is gone: it is dropped
        assertNull(origins.at(20));
        assertSame(other, origins.at(12));
        assertSame(plugin, origins.at(8));
    }

    @Test
    void aTasksOwnerIsItsFirstAndNeitherExecuteNorARefusedHandOverClaimsAnothersTask() {
        TaskOrigins origins = new TaskOrigins();
        Object pluginsTask = new Object();
        origins.made(pluginsTask, plugin);
        origins.made(pluginsTask, other);
        assertSame(plugin, origins.makerOf(pluginsTask), "the first owner stays");
        origins.handed(pluginsTask, other);
        origins.rejected(pluginsTask);
        assertSame(plugin, origins.makerOf(pluginsTask), "a refused hand-over drops only a claim it made");

        // a container's FutureTask (made with no plugin as the cause: not recorded), handed to a plugin's pool
        java.util.concurrent.FutureTask<Void> containers = new java.util.concurrent.FutureTask<>(() -> { }, null);
        origins.handed(containers, plugin);
        assertNull(origins.makerOf(containers), "a FutureTask's maker is known from its making, not from execute");
        java.util.concurrent.ForkJoinTask<?> forked = java.util.concurrent.ForkJoinTask.adapt(() -> { });
        origins.handed(forked, plugin);
        assertNull(origins.makerOf(forked));

        // a container's bare Runnable, handed by a plugin to a pool that refuses it (one it shut down)
        Runnable containersRunnable = () -> { };
        origins.handed(containersRunnable, plugin);
        assertSame(plugin, origins.makerOf(containersRunnable), "claimed while the pool takes it");
        origins.rejected(containersRunnable);
        assertNull(origins.makerOf(containersRunnable), "refused: the claim is dropped");

        // accepted: the claim stays, and a later refusal on this thread of another task leaves it
        Runnable pluginsRunnable = () -> { };
        origins.handed(pluginsRunnable, plugin);
        origins.rejected(new Object());
        origins.handed(pluginsRunnable, null); // the container's own execute of it afterwards, refused
        origins.rejected(pluginsRunnable);
        assertSame(plugin, origins.makerOf(pluginsRunnable));
    }

    @Test
    void theMapNeverCallsAKeysHashCodeOrEquals() {
        AtomicInteger calls = new AtomicInteger();
        class Liar {
            @Override
            public int hashCode() {
                calls.incrementAndGet();
                return 42;
            }

            @Override
            public boolean equals(Object o) {
                calls.incrementAndGet();
                return true;
            }
        }
        WeakIdentityMap<String> map = new WeakIdentityMap<>();
        Liar one = new Liar();
        Liar two = new Liar();
        map.put(one, "one");
        assertEquals("one", map.get(one));
        assertNull(map.get(two), "equal by its own equals, but not the same object");
        map.put(two, "two");
        assertEquals(2, map.size());
        assertEquals("two", map.remove(two));
        assertEquals(1, map.snapshot().size());
        assertEquals(0, calls.get(), "a plugin's override would run inside the check");
    }

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong(100);

    static Bundle bundle() {
        long id = IDS.incrementAndGet();
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("equals") ? proxy == args[0]
                        : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : method.getName().equals("getBundleId") ? id : null);
    }
}
