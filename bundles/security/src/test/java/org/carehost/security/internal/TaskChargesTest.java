package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** What a worker spends in a plugin's task is charged to that plugin: at the task's end, and while it runs. */
class TaskChargesTest {

    private final Bundle plugin = TaskOriginsTest.bundle();
    private final Bundle other = TaskOriginsTest.bundle();
    private final TaskCharges charges = new TaskCharges(new ThreadCounters(), thread -> null);
    private volatile long sink;

    @Test
    void aTaskIsChargedToItsPluginFromItsStartToItsEndAndNothingAfter() {
        TaskCharges.Open here = charges.now(null, plugin);
        spin(50);
        assertNull(charges.now(here, null).plugin);
        spin(50); // the container's work afterwards: nobody's
        Map<Long, TaskCharges.Charge> taken = charges.take();
        TaskCharges.Charge charge = taken.get(plugin.getBundleId());
        assertTrue(charge.cpu >= 50_000_000L, "cpu " + charge.cpu);
        assertTrue(charge.cpu < 90_000_000L, "the container's 50 ms charged too: " + charge.cpu);
        assertTrue(charge.bytes > 0);
        assertTrue(charges.take().isEmpty(), "taken once");
    }

    @Test
    void aTaskStillRunningIsChargedAtEachTakeAndANestedTaskToItsOwnPlugin() {
        TaskCharges.Open here = charges.now(null, plugin);
        spin(40);
        TaskCharges.Charge running = charges.take().get(plugin.getBundleId());
        assertTrue(running.cpu >= 40_000_000L, "a task that has not ended is charged: " + running.cpu);
        charges.now(here, other); // another plugin's task inside it
        spin(40);
        charges.now(here, plugin); // and back
        Map<Long, TaskCharges.Charge> taken = charges.take();
        assertTrue(taken.get(other.getBundleId()).cpu >= 40_000_000L);
        assertFalse(taken.get(plugin.getBundleId()).cpu >= 15_000_000L, "the nested task's time is not the outer's");
        charges.now(here, null);
    }

    @Test
    void aQuarantineInterruptsThePluginsTasksOnlyAndChargesThemNoMore() {
        TaskCharges.Open here = charges.now(null, plugin);
        charges.quarantined(other);
        assertFalse(Thread.currentThread().isInterrupted());
        charges.quarantined(plugin);
        assertTrue(Thread.currentThread().isInterrupted());
        spin(20);
        charges.now(here, null);
        assertFalse(Thread.interrupted(), "cleared when the task is over");
        assertNull(charges.take().get(plugin.getBundleId()), "what its task spent after the quarantine is not charged");
    }

    @Test
    void aPluginsOwnThreadIsNotChargedTwice() {
        TaskCharges own = new TaskCharges(new ThreadCounters(), thread -> plugin);
        TaskCharges.Open here = own.now(null, plugin);
        spin(20);
        own.now(here, null);
        assertNull(own.take().get(plugin.getBundleId()));
    }

    /** Spins until this thread has used that much CPU time (not wall time: the machine may be busy). */
    private void spin(long millis) {
        ThreadCounters counters = new ThreadCounters();
        long end = counters.cpu() + millis * 1_000_000L;
        while (counters.cpu() < end) {
            sink++;
            if (sink % 100_000 == 0) {
                sink += new byte[64].length;
            }
        }
    }
}
