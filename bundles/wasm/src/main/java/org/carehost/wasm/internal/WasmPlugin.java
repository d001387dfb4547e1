package org.carehost.wasm.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.Bundle;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;

/**
 * One WebAssembly module of a plugin bundle, ready to call: a pool of at most {@link Limits#instances()} instances
 * (made when first needed; each call has one to itself), the deadline of each call ({@link CallGuard}), the size of
 * its input and output, and the count of failed calls in a row. A call that traps, runs out of memory or time fails
 * alone and its instance is thrown away; {@link Limits#failuresToQuarantine()} of them in a row quarantine the plugin.
 *
 * <p>Closing it (the bundle stopped or was replaced) lets calls in flight finish on their instances; new calls are
 * refused, and a replacement bundle gets a new {@code WasmPlugin}.
 */
final class WasmPlugin implements AutoCloseable {

    /** What happens to a plugin whose calls keep failing. */
    interface Failures {
        void quarantine(Bundle plugin, String reason);
    }

    private final Bundle bundle;
    private final WasmDescriptor descriptor;
    private final Limits limits;
    private final Set<String> exports;
    private final InstanceFactory factory;
    private final Runnable compile;
    private final ScheduledExecutorService timers;
    private final Failures failures;
    /** The policy's deadline for calls into this plugin ({@code deadline plugin <name> <ms>}), read at each call. */
    private final java.util.function.LongSupplier policyDeadline;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<WasmInstance> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger failedInARow = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Instances in existence (idle or in a call): never more than {@link Limits#instances()}. */
    private final AtomicInteger made = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param compile compiles the module (or finds it compiled): throws if Chicory cannot; nothing when modules are
     *        interpreted
     */
    WasmPlugin(Bundle bundle, WasmDescriptor descriptor, Limits limits, Set<String> exports, InstanceFactory factory,
            Runnable compile, ScheduledExecutorService timers, Failures failures,
            java.util.function.LongSupplier policyDeadline) {
        this.bundle = bundle;
        this.descriptor = descriptor;
        this.limits = limits;
        this.exports = Set.copyOf(exports);
        this.factory = factory;
        this.compile = compile;
        this.timers = timers;
        this.failures = failures;
        this.policyDeadline = policyDeadline;
        this.permits = new Semaphore(limits.instances(), true);
    }

    Bundle bundle() {
        return bundle;
    }

    String name() {
        return bundle.getSymbolicName();
    }

    WasmDescriptor descriptor() {
        return descriptor;
    }

    Limits limits() {
        return limits;
    }

    /**
     * The deadline of a call now: the module's limit ({@code etc/org.carehost.wasm.cfg}, lowered by the header),
     * lowered further by the policy's deadline for the plugin, if that is shorter.
     */
    long deadlineMillis() {
        long policy = policyDeadline.getAsLong();
        return policy > 0 ? Math.min(limits.deadlineMillis(), policy) : limits.deadlineMillis();
    }

    Set<String> exports() {
        return exports;
    }

    Map<String, Object> state() {
        return Map.of("calls", calls.get(), "inFlight", inFlight.get(), "idleInstances", idle.size(),
                "failedInARow", failedInARow.get());
    }

    /** Makes one instance ahead of the first call, so that the first caller does not wait for it. */
    /**
     * Compiles the module, before its first instance is made: a module with a function Chicory cannot compile (too
     * large for a JVM method) throws here, and is refused. Chicory would otherwise interpret that function, whose frames
     * keep their locals on the heap, one per call deep, outside the module's memory limit (red team 18: about 1 GB per
     * call through recursion); a compiled function's locals are on its thread's stack.
     *
     * @throws IllegalArgumentException naming the module and the compiler's reason
     */
    void compile() {
        try {
            compile.run();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException(descriptor.path() + " is refused: it cannot be compiled to JVM bytecode ("
                    + e.getMessage() + "), and Carehost interprets none of a compiled module's functions: an "
                    + "interpreted function keeps its locals on the heap, outside the module's memory limit, once per "
                    + "call deep (split the function)", e);
        }
    }

    void warm() {
        if (!closed && idle.isEmpty() && reserve()) {
            try {
                giveBack(factory.create());
            } catch (RuntimeException e) {
                made.decrementAndGet(); // the first call reports it
            }
        }
    }

    /** Counts one more instance, if the limit allows. */
    private boolean reserve() {
        int now;
        do {
            now = made.get();
            if (now >= limits.instances()) {
                return false;
            }
        } while (!made.compareAndSet(now, now + 1));
        return true;
    }

    /** An idle instance, a new one, or (all made, one still warming) the next one returned. */
    private WasmInstance instance() throws InterruptedException {
        while (true) {
            if (closed) { // closed while this call waited: its instances are dropped, the next revision takes it
                throw stopped();
            }
            WasmInstance instance = idle.poll();
            if (instance != null) {
                return instance;
            }
            if (reserve()) {
                try {
                    return factory.create();
                } catch (RuntimeException e) {
                    made.decrementAndGet();
                    throw e;
                }
            }
            synchronized (idle) {
                if (idle.isEmpty()) {
                    idle.wait(50); // an instance being warmed: it is pushed and notified shortly
                }
            }
        }
    }

    private void giveBack(WasmInstance instance) {
        if (closed) {
            made.decrementAndGet();
            return;
        }
        idle.push(instance);
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /**
     * Calls the exported function with the input; returns its output.
     *
     * @throws WasmCallException naming what went wrong: no such function, too large, trapped, out of time, ...
     */
    byte[] call(String function, byte[] input) {
        if (closed) {
            throw stopped();
        }
        if (!exports.contains(function)) {
            throw new WasmCallException(WasmCallException.Kind.NO_FUNCTION, name() + " exports no function '"
                    + function + "' (it exports " + String.join(", ", new java.util.TreeSet<>(exports)) + ")");
        }
        if (input.length > limits.maxInputBytes()) {
            throw new WasmCallException(WasmCallException.Kind.TOO_LARGE, "the input is " + input.length
                    + " bytes; " + name() + " accepts at most " + limits.maxInputBytes());
        }
        long deadline = deadlineMillis();
        inFlight.incrementAndGet();
        try {
            if (!permits.tryAcquire(deadline, TimeUnit.MILLISECONDS)) {
                throw new WasmCallException(WasmCallException.Kind.BUSY, "all " + limits.instances() + " instances of "
                        + name() + " stayed busy for " + deadline + " ms; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.decrementAndGet();
            throw new WasmCallException(WasmCallException.Kind.BUSY, "interrupted while waiting for an instance");
        } catch (WasmCallException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        try {
            return callOnInstance(function, input, deadline);
        } finally {
            permits.release();
            inFlight.decrementAndGet();
        }
    }

    private byte[] callOnInstance(String function, byte[] input, long deadline) {
        calls.incrementAndGet();
        WasmInstance instance;
        try {
            instance = instance();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WasmCallException(WasmCallException.Kind.BUSY, "interrupted while waiting for an instance");
        } catch (RuntimeException e) {
            if (closed) {
                throw stopped(); // stopped while this call waited or instantiated: not the module's failure
            }
            throw failed(new WasmCallException(WasmCallException.Kind.INSTANTIATION, name()
                    + " could not be instantiated: " + message(e)));
        }
        boolean keep = false;
        byte[] output;
        CallGuard guard = CallGuard.start(timers, deadline);
        instance.slot().begin(guard);
        try {
            output = instance.plugin().call(function, input);
            keep = true;
        } catch (ChicoryInterruptedException e) {
            long late = guard.sinceDeadline();
            throw failed(guard.expired()
                    ? new WasmCallException(WasmCallException.Kind.DEADLINE, name() + "." + function + " ran past its "
                            + "deadline of " + deadline + " ms and was stopped "
                            + String.format(java.util.Locale.ROOT, "%.1f", late / 1e6) + " ms after it")
                    : new WasmCallException(WasmCallException.Kind.TRAP, name() + "." + function
                            + " was interrupted"));
        } catch (ChicoryException | org.extism.sdk.chicory.ExtismException e) {
            throw failed(classify(function, e));
        } catch (StackOverflowError e) {
            throw failed(new WasmCallException(WasmCallException.Kind.TRAP, name() + "." + function
                    + " trapped: call stack exhausted"));
        } catch (org.extism.sdk.chicory.http.ExtismHttpException e) {
            // Extism's HTTP function could not do what the module asked: the module's error, not a trap
            throw new WasmCallException(WasmCallException.Kind.PLUGIN_ERROR, name() + "." + function + ": "
                    + message(e));
        } catch (RuntimeException e) {
            org.carehost.sdk.security.PermissionDeniedException denied = denial(e);
            if (denied != null) {
                // the run-time agent refused what the module asked for on the plugin's behalf (a connection, a
                // file): refused, audited and counted by the security manager, not a failure of the module
                throw new WasmCallException(WasmCallException.Kind.DENIED, name() + "." + function + " was refused: "
                        + message(denied));
            }
            throw failed(new WasmCallException(WasmCallException.Kind.TRAP, name() + "." + function + " failed: "
                    + message(e)));
        } finally {
            instance.slot().end();
            guard.close();
            if (keep) {
                giveBack(instance);
            } else {
                made.decrementAndGet(); // a trapped instance's memory is in an unknown state: dropped
            }
        }
        if (output.length > limits.maxOutputBytes()) {
            throw failed(new WasmCallException(WasmCallException.Kind.TOO_LARGE, name() + "." + function
                    + " returned " + output.length + " bytes; at most " + limits.maxOutputBytes() + " are accepted"));
        }
        failedInARow.set(0);
        return output;
    }

    private WasmCallException classify(String function, RuntimeException e) {
        String message = message(e);
        if (e instanceof org.extism.sdk.chicory.ExtismFunctionException) {
            // the module returned a non-zero code and (maybe) set an error: the call failed, the instance is fine
            return new WasmCallException(WasmCallException.Kind.PLUGIN_ERROR, name() + "." + function
                    + " returned an error: " + message);
        }
        boolean memory = message.toLowerCase(java.util.Locale.ROOT).contains("memory");
        return new WasmCallException(memory ? WasmCallException.Kind.MEMORY : WasmCallException.Kind.TRAP,
                name() + "." + function + (memory ? " ran out of memory or accessed memory out of bounds: "
                        : " trapped: ") + message);
    }

    private WasmCallException failed(WasmCallException e) {
        if (e.kind() == WasmCallException.Kind.PLUGIN_ERROR) {
            return e;
        }
        int inARow = failedInARow.incrementAndGet();
        if (inARow >= limits.failuresToQuarantine()) {
            failures.quarantine(bundle, "fail " + inARow + " WebAssembly calls in a row (the last: " + e.getMessage()
                    + ")");
        }
        return e;
    }

    /** The run-time agent's refusal this failure carries, if any (Chicory or the JDK may wrap it). */
    private static org.carehost.sdk.security.PermissionDeniedException denial(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof org.carehost.sdk.security.PermissionDeniedException) {
                return (org.carehost.sdk.security.PermissionDeniedException) cause;
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private WasmCallException stopped() {
        return new WasmCallException(WasmCallException.Kind.STOPPED, name() + " is stopped or being replaced; call it "
                + "again");
    }

    /** New calls are refused; calls in flight finish on their instances, which are then dropped. */
    @Override
    public void close() {
        closed = true;
        idle.clear();
    }

    boolean closed() {
        return closed;
    }

    int inFlight() {
        return inFlight.get();
    }
}
