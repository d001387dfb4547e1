package org.carehost.security.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongPredicate;

import org.osgi.framework.Bundle;

/**
 * The CPU time and bytes a pool worker spends on a plugin's tasks, charged to that plugin for its budgets
 * ({@link BudgetWatch}): work it handed to the common pool, a container pool or any pool whose workers are not its own
 * threads. {@link TaskOrigins} tells, each time a task starts or ends on a worker, whose charge the worker is in now:
 * the innermost task's on its stack of tasks (a plugin's, or nobody's: a container's task run inside a plugin's while
 * it helps a join, which has a note of its own), or nobody's when no plugin's task is under way. The worker's counters
 * are read ({@link ThreadCounters}) at each change and what it spent since the last reading goes to the plugin whose
 * charge it was in. Once a second the budget watch reads, for each worker in a plugin's charge at that moment, what it
 * spent so far and charges that too: a task that never ends is seen while it runs. A task's end is reported whatever
 * way it is left (the agent's exit hooks are try/finally-shaped), so a task that throws leaves no charge behind.
 *
 * <p>A task of the container's that a plugin's task runs inside itself is charged to nobody, and the plugin's charge
 * resumes when it ends; a plugin's task inside the container's, or inside another plugin's, is charged to its own
 * plugin until it ends. A worker that is the plugin's own thread (a pool it made) is charged through its thread
 * already, not twice.
 *
 * <p>Interrupts: a quarantine interrupts only the workers whose charge is the quarantined plugin's at that moment, and a
 * worker entering or resuming the charge of a plugin that is quarantined interrupts itself; whenever a worker leaves
 * such a charge, the interrupt is cleared. So a container's task, on any thread, never sees an interrupt made for a
 * plugin, and the plugin's task sees it again when it resumes. What a quarantined plugin's tasks spend is not charged:
 * started again, it is judged afresh.
 *
 * <p>Cost on the task path: nothing for a container's task on a worker with no plugin task noted (no reading is made);
 * for a plugin's task, two counter readings (a clock of the thread's CPU and its allocation counter), a look-up of the
 * quarantined plugins and an uncontended lock at its start and at its end.
 */
final class TaskCharges {

    /** One worker's charge in progress: whose charge it is in now, and its counters when last charged. Guarded by itself. */
    static final class Open {
        final Thread thread = Thread.currentThread();
        final long threadId = thread.getId();
        /** The plugin whose own thread this is, if any: its tasks are counted through the thread. */
        final Bundle owner;
        /** Whose charge the worker is in: null for nobody's. */
        Bundle plugin;
        long cpu;
        long bytes;
        /** The worker's interrupt was set for the charge it is in now (its plugin is quarantined): cleared as it leaves. */
        boolean interruptedForCharge;

        Open(Bundle owner) {
            this.owner = owner;
        }
    }

    /** What was charged to one plugin since the budget watch last took it. */
    static final class Charge {
        final Bundle plugin;
        long cpu;
        long bytes;

        Charge(Bundle plugin) {
            this.plugin = plugin;
        }
    }

    private final ThreadCounters counters;
    private final Function<Thread, Bundle> ownerOf;
    private final LongPredicate quarantined;
    private final Set<Open> open = ConcurrentHashMap.newKeySet();
    /** By bundle id; guarded by itself. */
    private Map<Long, Charge> charged = new HashMap<>();

    /**
     * @param ownerOf the plugin whose own thread a thread is, or null
     * @param quarantined whether the plugin of that bundle id is quarantined (stopped until an operator starts it)
     */
    TaskCharges(ThreadCounters counters, Function<Thread, Bundle> ownerOf, LongPredicate quarantined) {
        this.counters = counters;
        this.ownerOf = ownerOf;
        this.quarantined = quarantined;
    }

    ThreadCounters counters() {
        return counters;
    }

    /**
     * On this thread, the charge is now the plugin's (null: nobody's): what the thread spent since its last reading goes
     * to the plugin whose charge it was. Returns the thread's charge, to be handed back next time (null while there is
     * nothing to charge).
     */
    Open now(Open here, Bundle plugin) {
        if (here == null) {
            if (plugin == null) {
                return null;
            }
            here = new Open(ownerOf.apply(Thread.currentThread()));
        }
        if (plugin != null && here.owner != null && here.owner.getBundleId() == plugin.getBundleId()) {
            plugin = null; // its own thread: counted as such
        }
        if (same(here.plugin, plugin)) {
            return here;
        }
        synchronized (here) {
            long cpu = counters.cpu();
            long bytes = counters.allocated();
            if (here.plugin != null) {
                if (!quarantined.test(here.plugin.getBundleId())) {
                    charge(here.plugin, cpu - here.cpu, bytes - here.bytes);
                }
                if (here.interruptedForCharge) {
                    here.interruptedForCharge = false;
                    Thread.interrupted(); // made for the charge it leaves: not for what the worker does next
                }
            }
            here.plugin = plugin;
            here.cpu = cpu;
            here.bytes = bytes;
            if (plugin == null) {
                open.remove(here);
            } else {
                // In the open charges before the look at the quarantined plugins: a quarantine this look misses (marked
                // just after it) finds the worker there, in the plugin's charge, once this lock is let go.
                open.add(here);
                if (quarantined.test(plugin.getBundleId())) {
                    here.interruptedForCharge = true; // a quarantined plugin's task starts, or resumes after a nested one
                    here.thread.interrupt();
                }
            }
        }
        return here;
    }

    /**
     * What was charged to each plugin since the last call, by bundle id, with what the workers in a plugin's task now
     * spent since their last reading (read here, for a task that may never end). Called by the budget watch only.
     */
    Map<Long, Charge> take() {
        for (Open worker : open) {
            synchronized (worker) {
                if (worker.plugin == null) {
                    continue;
                }
                long cpu = counters.cpu(worker.threadId);
                long bytes = counters.allocated(worker.threadId);
                if (cpu < 0 || bytes < 0 || !worker.thread.isAlive()) {
                    open.remove(worker); // the worker died in the task (what it spent since the last look is lost)
                    worker.plugin = null;
                    continue;
                }
                if (!quarantined.test(worker.plugin.getBundleId())) {
                    charge(worker.plugin, cpu - worker.cpu, bytes - worker.bytes);
                }
                worker.cpu = cpu;
                worker.bytes = bytes;
            }
        }
        synchronized (this) {
            Map<Long, Charge> taken = charged;
            charged = new HashMap<>();
            return taken;
        }
    }

    /**
     * The plugin was quarantined: interrupts the workers whose charge is its now (each clears it when it leaves that
     * charge; a worker in a nobody's task nested inside the plugin's is not interrupted, and interrupts itself when the
     * plugin's task resumes), and drops what was charged to it since the last take: started again, it is judged afresh
     * (a task that ignores interruption runs on, uncharged while the quarantine lasts). Call once the plugin is marked
     * quarantined (the predicate answers true): a worker entering its charge after that interrupts itself.
     */
    void quarantined(Bundle plugin) {
        for (Open worker : open) {
            synchronized (worker) {
                if (same(worker.plugin, plugin) && !worker.interruptedForCharge) {
                    worker.interruptedForCharge = true;
                    worker.thread.interrupt();
                }
            }
        }
        synchronized (this) {
            charged.remove(plugin.getBundleId());
        }
    }

    private synchronized void charge(Bundle plugin, long cpu, long bytes) {
        Charge charge = charged.computeIfAbsent(plugin.getBundleId(), id -> new Charge(plugin));
        charge.cpu += Math.max(0, cpu);
        charge.bytes += Math.max(0, bytes);
    }

    private static boolean same(Bundle one, Bundle other) {
        return one == other || one != null && other != null && one.getBundleId() == other.getBundleId();
    }
}
