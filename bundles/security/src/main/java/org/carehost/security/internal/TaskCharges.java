package org.carehost.security.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.Bundle;

/**
 * The CPU time and bytes a pool worker spends on a plugin's tasks, charged to that plugin for its budgets
 * ({@link BudgetWatch}): work it handed to the common pool, a container pool or any pool whose workers are not its own
 * threads. {@link TaskOrigins} tells, each time a task starts or ends on a worker, which plugin's task is now the
 * innermost one running there (or none); the worker's counters are read ({@link ThreadCounters}) and what it spent since
 * the last reading goes to the plugin whose task it ran. Once a second the budget watch reads, for each worker in a
 * plugin's task at that moment, what it spent so far and charges that too: a task that never ends is seen while it runs.
 *
 * <p>A task of the container's that a plugin's task runs inside itself (helping a join it waits for) is charged to the
 * plugin; a plugin's task inside the container's, or inside another plugin's, to its own plugin, until it ends. A
 * worker that is the plugin's own thread (a pool it made) is charged through its thread already, not twice.
 *
 * <p>Cost on the task path: nothing for a container's task on a worker with no plugin task noted (no reading is made);
 * for a plugin's task, two counter readings (a clock of the thread's CPU and its allocation counter) and an uncontended
 * lock at its start and at its end.
 */
final class TaskCharges {

    /** One worker's charge in progress: whose task it runs now, and its counters when last charged. Guarded by itself. */
    static final class Open {
        final Thread thread = Thread.currentThread();
        final long threadId = thread.getId();
        /** The plugin whose own thread this is, if any: its tasks are counted through the thread. */
        final Bundle owner;
        Bundle plugin;
        long cpu;
        long bytes;
        /** The budget watch interrupted the worker for the plugin's task: cleared when that task is over. */
        boolean interrupted;
        /** The plugin was quarantined while this task ran: what it spends from then on is not charged again. */
        boolean forgiven;

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
    private final Set<Open> open = ConcurrentHashMap.newKeySet();
    /** By bundle id; guarded by itself. */
    private Map<Long, Charge> charged = new HashMap<>();

    /** @param ownerOf the plugin whose own thread a thread is, or null */
    TaskCharges(ThreadCounters counters, Function<Thread, Bundle> ownerOf) {
        this.counters = counters;
        this.ownerOf = ownerOf;
    }

    ThreadCounters counters() {
        return counters;
    }

    /**
     * On this thread, the innermost task running is now the plugin's (null: none of a plugin's): what the thread spent
     * since its last reading goes to the plugin whose task it was. Returns the thread's charge, to be handed back next
     * time (null while there is nothing to charge).
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
                if (!here.forgiven) {
                    charge(here.plugin, cpu - here.cpu, bytes - here.bytes);
                }
                here.forgiven = false;
                if (here.interrupted) {
                    here.interrupted = false;
                    Thread.interrupted(); // the budget's interrupt was for that task: not for what the worker does next
                }
            }
            here.plugin = plugin;
            here.cpu = cpu;
            here.bytes = bytes;
        }
        if (plugin != null) {
            open.add(here);
        } else {
            open.remove(here);
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
                if (!worker.forgiven) {
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
     * The plugin was quarantined: interrupts the workers running its tasks now (each clears it when that task is over),
     * and charges it nothing more for those tasks, nor what was charged since the last take: started again, it is
     * judged afresh (a task that ignores interruption runs on, uncharged, until it ends).
     */
    void quarantined(Bundle plugin) {
        for (Open worker : open) {
            synchronized (worker) {
                if (same(worker.plugin, plugin)) {
                    worker.interrupted = true;
                    worker.forgiven = true;
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
