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
    private final java.util.Set<Long> quarantined = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final TaskCharges charges = new TaskCharges(new ThreadCounters(), thread -> null, quarantined::contains);
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
    void aQuarantineBetweenATaskStartsLookAndItsEntryInTheOpenChargesStillInterruptsIt() {
        // The race: the worker looks at the quarantined plugins (not yet), then the quarantine runs through the workers in
        // a charge. Simulated on one thread: the look itself quarantines the plugin and answers as read just before.
        TaskCharges[] racing = new TaskCharges[1];
        java.util.Set<Long> marked = new java.util.HashSet<>();
        racing[0] = new TaskCharges(new ThreadCounters(), thread -> null, id -> {
            if (id == plugin.getBundleId() && marked.add(id)) {
                racing[0].quarantined(plugin); // the budget watch, in the window
                return false;
            }
            return marked.contains(id);
        });
        TaskCharges.Open here = racing[0].now(null, plugin);
        assertTrue(Thread.currentThread().isInterrupted(), "the quarantine found the worker in the plugin's charge");
        racing[0].now(here, null);
        assertFalse(Thread.interrupted(), "cleared when the task is over");
    }

    @Test
    void aQuarantineInterruptsThePluginsTasksOnlyAndChargesThemNoMore() {
        TaskCharges.Open here = charges.now(null, plugin);
        quarantined.add(other.getBundleId());
        charges.quarantined(other);
        assertFalse(Thread.currentThread().isInterrupted());
        quarantined.add(plugin.getBundleId());
        charges.quarantined(plugin);
        assertTrue(Thread.currentThread().isInterrupted());
        spin(20);
        charges.now(here, null);
        assertFalse(Thread.interrupted(), "cleared when the task is over");
        assertNull(charges.take().get(plugin.getBundleId()), "what its task spent after the quarantine is not charged");
    }

    @Test
    void aContainerTaskNestedInAPluginsIsChargedToNobodyAndNeverSeesItsInterrupt() {
        TaskCharges.Open here = charges.now(null, plugin);
        charges.now(here, null); // a container's task the plugin's runs while it helps a join
        spin(40);
        TaskCharges.Charge before = charges.take().get(plugin.getBundleId());
        assertTrue(before == null || before.cpu < 15_000_000L, "the container's task is not the plugin's");
        quarantined.add(plugin.getBundleId());
        charges.quarantined(plugin);
        assertFalse(Thread.currentThread().isInterrupted(), "the container's task is not interrupted for the plugin");
        charges.now(here, plugin); // the plugin's task resumes: it is interrupted now
        assertTrue(Thread.currentThread().isInterrupted());
        charges.now(here, null);
        assertFalse(Thread.interrupted(), "cleared as the worker leaves the plugin's charge");
    }

    @Test
    void aTaskOfAQuarantinedPluginIsInterruptedAsItStartsAndUnchargedUntilTheQuarantineIsLifted() {
        quarantined.add(plugin.getBundleId());
        TaskCharges.Open here = charges.now(null, plugin);
        assertTrue(Thread.currentThread().isInterrupted());
        spin(20);
        charges.now(here, null);
        assertFalse(Thread.interrupted());
        assertNull(charges.take().get(plugin.getBundleId()));
        quarantined.remove(plugin.getBundleId()); // plugin:start
        charges.now(here, plugin);
        assertFalse(Thread.currentThread().isInterrupted());
        spin(20);
        charges.now(here, null);
        assertTrue(charges.take().get(plugin.getBundleId()).cpu >= 20_000_000L, "judged afresh once started again");
    }

    @Test
    void aPluginsOwnThreadIsNotChargedTwice() {
        TaskCharges own = new TaskCharges(new ThreadCounters(), thread -> plugin, id -> false);
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
