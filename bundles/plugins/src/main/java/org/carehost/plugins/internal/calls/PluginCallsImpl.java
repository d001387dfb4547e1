package org.carehost.plugins.internal.calls;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCallException.Reason;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * {@link PluginCalls}: each call is handed to a pool thread of the container's and awaited for at most the plugin's
 * deadline; on overrun the pool thread is interrupted and the caller goes on (Java cannot stop a thread: a plugin
 * that ignores interruption keeps that pool thread until it returns, and it counts as running). A plugin with
 * {@value #MAX_RUNNING_PER_PLUGIN} calls running is not called again until some end, so a stuck plugin cannot take
 * the whole pool; its event handler calls (kind {@code event}) have a cap of their own,
 * {@value #MAX_EVENTS_RUNNING_PER_PLUGIN}, so that a flood of events to a plugin does not starve its validators and
 * other calls; the pool itself has at most {@value #MAX_THREADS} threads. Overruns in a row (reset by a call that
 * ends in time) reaching the policy's threshold quarantine the plugin through the security manager.
 * <p>
 * Drain: as a synchronous bundle listener it sees a plugin's {@code STOPPING} before the framework goes on with the
 * stop (or the update, which stops first): if calls into the plugin are running it marks the plugin draining (new
 * calls are refused) and waits on the plugin's counters' monitor, which every call's end notifies, until none runs or
 * the plugin's longest deadline has passed (a call is interrupted at its deadline, so only code ignoring interruption
 * outlives it); {@code STOPPED} ends the drain. A plugin being quarantined is not waited for (its calls are cut at their
 * deadlines, and the thread quarantining it may be one of its callers), nor is the call the stop comes from.
 * <p>
 * Calls to a plugin's service ({@link #call(PluginService, String, String, ServiceWork)}, {@link ServiceCalls}) are
 * not refused during an update's drain: {@link Handover} holds them until the new version registers the service
 * again, then they run on it.
 */
@Component(service = PluginCalls.class)
public final class PluginCallsImpl implements PluginCalls, SynchronousBundleListener {

    static final int MAX_THREADS = 256;
    static final int MAX_RUNNING_PER_PLUGIN = 32;
    /** Event handler calls running per plugin, counted apart from its other calls. */
    static final int MAX_EVENTS_RUNNING_PER_PLUGIN = 32;
    private static final String EVENT = "event";
    static final List<String> KINDS = List.of("validator", "transformer", "notifier", "adapter", "workflow", "event",
            "schedule", "authenticator");

    private final PluginLimits limits;
    private final ThreadCost cost = new ThreadCost();
    private final Map<Long, Counters> counters = new ConcurrentHashMap<>();
    private final AtomicInteger threadNumber = new AtomicInteger();
    /** Bundle ids of the plugins being drained. */
    private final Set<Long> draining = ConcurrentHashMap.newKeySet();
    /** On a pool thread, the bundle id of the plugin it is calling. */
    private final ThreadLocal<Long> callingInto = new ThreadLocal<>();
    private final BundleContext context;
    private final Handover handover;
    private final ServiceCalls serviceCalls;
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), work -> {
                // no inherited thread locals: a worker first made during an operator's command (an import calling a
                // plugin's transformer) took that session's streams, and the plugin's prints went to the operator's
                // terminal unmarked and unescaped (red team 15); every container thread here is made so
                Thread thread = new Thread(null, work, "carehost-plugin-call-" + threadNumber.incrementAndGet(), 0, false);
                thread.setDaemon(true);
                return thread;
            });

    @Activate
    public PluginCallsImpl(BundleContext context, @Reference PluginLimits limits,
            @Reference ServiceComponentRuntime scr) {
        this.limits = limits;
        this.context = context;
        this.handover = new Handover(context,
                new ComponentOutlook(scr, System::nanoTime, plugin -> longestDeadline(limits, plugin)));
        this.serviceCalls = new ServiceCalls(this, handover, limits);
        handover.open();
        context.addBundleListener(this);
    }

    /** Without a framework (unit tests): {@link #bundleChanged} is called by the test. */
    PluginCallsImpl(PluginLimits limits) {
        this(limits, null, Handover.MAX_HELD_PER_PLUGIN);
    }

    /** Without a framework (unit tests), with the test's bundle context for the services. */
    PluginCallsImpl(PluginLimits limits, BundleContext services, int maxHeld) {
        this(limits, services, maxHeld, (plugin, key) -> false);
    }

    /** The same, with the test's word on whether the service runtime may still register a service. */
    PluginCallsImpl(PluginLimits limits, BundleContext services, int maxHeld,
            RegistrationOutlook mayRegister) {
        this.limits = limits;
        this.context = null;
        this.handover = new Handover(services, maxHeld, mayRegister);
        this.serviceCalls = new ServiceCalls(this, handover, limits);
    }

    /** The unit tests' way to post service events. */
    Handover handover() {
        return handover;
    }

    @Deactivate
    void deactivate() {
        if (context != null) {
            context.removeBundleListener(this);
            context.removeServiceListener(handover);
        }
        handover.close();
        pool.shutdownNow();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.STOPPING -> {
                handover.bundleChanged(event); // first: a transient stop's drain holds service calls, not refuses them
                drain(bundle);
            }
            case BundleEvent.STOPPED, BundleEvent.STARTED, BundleEvent.UNINSTALLED -> {
                // first: the calls that handover wakes see the drain over; but a STARTED posted once the framework
                // let go of the bundle may come after the next STOPPING (a refresh), whose drain it must not end
                if (event.getType() != BundleEvent.STARTED || bundle.getState() == Bundle.ACTIVE) {
                    draining.remove(bundle.getBundleId());
                }
                handover.bundleChanged(event);
            }
            default -> handover.bundleChanged(event);
        }
    }

    @Override
    public boolean draining(Bundle plugin) {
        return draining.contains(plugin.getBundleId());
    }

    /** Waits (bounded) for the calls into a stopping plugin to end; new calls are refused meanwhile. */
    private void drain(Bundle plugin) {
        Counters counter = counters.get(plugin.getBundleId());
        if (counter == null || limits.quarantined(plugin).isPresent()) {
            return;
        }
        draining.add(plugin.getBundleId());
        boolean own = Objects.equals(callingInto.get(), plugin.getBundleId());
        Drain.await(counter, own ? 1 : 0, System.nanoTime() + longestDeadline(limits, plugin).toNanos());
    }

    /** The longest of the plugin's deadlines (of every kind): what a drain waits at most, and a handover's bound. */
    static Duration longestDeadline(PluginLimits limits, Bundle plugin) {
        return KINDS.stream().map(kind -> limits.deadline(plugin, kind)).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    @Override
    public <T> T call(Bundle plugin, String kind, String what, Callable<T> work) throws PluginCallException {
        try {
            return run(plugin, kind, what, work, false, null);
        } catch (DrainStarted cannot) {
            throw new IllegalStateException(cannot); // only when asked to hold
        }
    }

    @Override
    public <S> List<PluginService<S>> services(Class<S> type) {
        return handover.services(type);
    }

    @Override
    public <S, T> T call(PluginService<S> service, String kind, String what, ServiceWork<S, T> work)
            throws PluginCallException {
        return serviceCalls.call(service, kind, what, work);
    }

    /** A service call refused before it reached {@link #run}: counted as a call and a failure, as a refused run is. */
    void refusedUnrun(Bundle plugin, String name) {
        Counters counter = counters.computeIfAbsent(plugin.getBundleId(), id -> new Counters(id, name));
        counter.calls.increment();
        counter.failures.increment();
    }

    /** Whether this thread is a pool thread running a call into {@code plugin} now. */
    boolean callingInto(Bundle plugin) {
        return Objects.equals(callingInto.get(), plugin.getBundleId());
    }

    /** Thrown by {@link #run} instead of refusing, when the caller holds calls for a plugin's new version. */
    static final class DrainStarted extends Exception {
        private static final long serialVersionUID = 1L;

        DrainStarted() {
            super(null, null, false, false);
        }
    }

    /**
     * One call into the plugin on the pool, waited for at most its deadline. {@code first}, for the first call on a
     * service registration, tells a slow activation from an overrun; its task returning {@link FirstCall#NO_OBJECT}
     * was no call (not counted).
     */
    <T> T run(Bundle plugin, String kind, String what, Callable<T> work, boolean holdable, FirstCall first)
            throws PluginCallException, DrainStarted {
        String name = String.valueOf(plugin.getSymbolicName());
        Counters counter = counters.computeIfAbsent(plugin.getBundleId(), id -> new Counters(id, name));
        counter.calls.increment();
        String quarantined = limits.quarantined(plugin).orElse(null);
        if (quarantined != null) {
            counter.failures.increment();
            throw new PluginCallException(name, Reason.REFUSED, name + " was not called (" + what + "): it is "
                    + quarantined, null);
        }
        boolean event = EVENT.equals(kind); // event calls have a cap of their own: a flood does not starve the rest
        AtomicLong capped = event ? counter.eventsRunning : counter.othersRunning;
        int cap = event ? MAX_EVENTS_RUNNING_PER_PLUGIN : MAX_RUNNING_PER_PLUGIN;
        counter.running.incrementAndGet();
        if (capped.incrementAndGet() > cap) {
            Drain.ended(counter, capped);
            counter.failures.increment();
            throw new PluginCallException(name, Reason.REFUSED, name + " was not called (" + what + "): " + cap
                    + " of its " + (event ? "event calls" : "calls") + " are still running (plugin:top shows them)",
                    null);
        }
        if (draining.contains(plugin.getBundleId())) { // checked once counted running: a drain starting now waits for it
            Drain.ended(counter, capped);
            if (holdable && (handover.changing(plugin) || Handover.transientStop(plugin))) {
                counter.calls.decrement(); // not a call: counted when it runs on the new version
                throw new DrainStarted();
            }
            counter.failures.increment();
            throw Refusals.beingStopped(name, what);
        }
        FutureTask<T> future = new FutureTask<>(() -> measured(counter, work));
        try {
            pool.execute(() -> {
                try {
                    future.run(); // returns at once if the caller gave up before the call began
                } finally {
                    Drain.ended(counter, capped);
                }
            });
        } catch (RejectedExecutionException full) {
            Drain.ended(counter, capped);
            counter.failures.increment();
            throw new PluginCallException(name, Reason.REFUSED, name + " was not called (" + what + "): all "
                    + MAX_THREADS + " threads for calls into plugins are busy (plugin:top shows which plugin holds "
                    + "them)", null);
        }
        Duration deadline = limits.deadline(plugin, kind);
        long started = System.nanoTime();
        boolean aCall = true;
        try {
            T result = future.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            if (first != null && result == FirstCall.NO_OBJECT) {
                aCall = false; // the service gave no object: the caller looks again, or refuses and counts it then
                counter.calls.decrement();
                return result;
            }
            counter.overrunsInARow.set(0);
            return result;
        } catch (TimeoutException overran) {
            // settled before the interrupt: an activation that the interrupt ends would otherwise begin the work late
            boolean stillGetting = first != null && first.abandonWhileGetting();
            future.cancel(true);
            counter.timeouts.increment();
            counter.failures.increment();
            if (stillGetting) {
                throw new PluginCallException(name, Reason.TIMED_OUT, name + " did not activate its service within its "
                        + kind + " deadline of " + deadline.toMillis() + " ms (" + what + "): its component's "
                        + "constructor or activate method is still running; 'plugin:why " + name + "' tells more", null);
            }
            overran(plugin, name, kind, deadline, counter);
            throw new PluginCallException(name, Reason.TIMED_OUT, name + " overran its " + kind + " deadline of "
                    + deadline.toMillis() + " ms (" + what + ")", null);
        } catch (ExecutionException threw) {
            counter.overrunsInARow.set(0);
            counter.failures.increment();
            Throwable cause = threw.getCause(); // its text was read on the call's thread ({@link Thrown})
            throw new PluginCallException(name, Reason.THREW, name + " failed (" + what + "): " + Thrown.text(cause),
                    Thrown.unwrapped(cause));
        } catch (InterruptedException interrupted) {
            if (first != null) {
                first.abandonWhileGetting(); // before the interrupt, as above
            }
            future.cancel(true);
            Thread.currentThread().interrupt();
            counter.failures.increment();
            throw new PluginCallException(name, Reason.REFUSED, "the call into " + name + " (" + what
                    + ") was abandoned: the calling thread was interrupted", interrupted);
        } finally {
            if (aCall) {
                counter.latency(System.nanoTime() - started);
            }
        }
    }

    private void overran(Bundle plugin, String name, String kind, Duration deadline, Counters counter) {
        long inARow = counter.overrunsInARow.incrementAndGet();
        long threshold = limits.overrunsBeforeQuarantine(plugin);
        if (threshold > 0 && inARow >= threshold && counter.overrunsInARow.compareAndSet(inARow, 0)) {
            limits.quarantine(plugin, "it overran its " + kind + " deadline of " + deadline.toMillis() + " ms " + inARow
                    + " times in a row (policy: 'deadline plugin " + name + " <ms>', 'overruns plugin " + name
                    + " <n>')");
        }
    }

    private <T> T measured(Counters counter, Callable<T> work) throws Exception {
        long cpu = cost.cpuNanos();
        long bytes = cost.allocatedBytes();
        callingInto.set(counter.bundleId);
        try {
            return work.call();
        } catch (Throwable thrown) { // its text read here, inside the deadline, never on the caller's thread
            throw Thrown.of(thrown);
        } finally {
            callingInto.remove();
            if (cpu >= 0) {
                counter.cpuNanos.add(Math.max(0, cost.cpuNanos() - cpu));
            }
            if (bytes >= 0) {
                counter.allocatedBytes.add(Math.max(0, cost.allocatedBytes() - bytes));
            }
        }
    }

    @Override
    public List<PluginCallStats> stats() {
        return counters.values().stream().map(Counters::snapshot)
                .sorted(Comparator.comparingLong(PluginCallStats::bundleId)).toList();
    }
}
