package org.carehost.wasm.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one call. Chicory checks the thread's interrupt flag on calls and branches, so the module is stopped
 * by interrupting the thread that runs it. That thread also runs the host functions the module calls, and an
 * interrupt inside a host service would close the database's or the audit journal's file channels; so the thread is
 * interrupted only while it runs WebAssembly code. A deadline that passes during a host function is delivered when
 * the host function returns ({@link #leaveHost}). The state is decided under this object's lock, never by timing.
 */
final class CallGuard implements AutoCloseable {

    private enum State { WASM, HOST, EXPIRED_IN_HOST, DONE }

    private final Thread thread = Thread.currentThread();
    private final ScheduledFuture<?> timer;
    private State state = State.WASM;
    private boolean expired;
    private long expiredAt;
    private boolean interrupted;

    private CallGuard(ScheduledExecutorService timers, long deadlineMillis) {
        this.timer = timers.schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
    }

    static CallGuard start(ScheduledExecutorService timers, long deadlineMillis) {
        return new CallGuard(timers, deadlineMillis);
    }

    private synchronized void expire() {
        expired = true;
        expiredAt = System.nanoTime();
        if (state == State.WASM) {
            interrupted = true;
            thread.interrupt();
        } else if (state == State.HOST) {
            state = State.EXPIRED_IN_HOST;
        }
    }

    /** The module calls a host function: from here until {@link #leaveHost} the thread is not interrupted. */
    synchronized void enterHost() {
        if (state == State.WASM) {
            state = State.HOST;
        }
    }

    /** Back in the module; a deadline that passed meanwhile interrupts it now. */
    synchronized void leaveHost() {
        if (state == State.EXPIRED_IN_HOST) {
            interrupted = true;
            thread.interrupt();
        }
        if (state != State.DONE) {
            state = State.WASM;
        }
    }

    synchronized boolean expired() {
        return expired;
    }

    /** Nanoseconds from the deadline to now (0 when it has not passed): how long the module took to stop. */
    synchronized long sinceDeadline() {
        return expired ? System.nanoTime() - expiredAt : 0;
    }

    /** The call is over: the timer is cancelled and an interrupt this guard made is cleared from the thread. */
    @Override
    public void close() {
        timer.cancel(false);
        synchronized (this) {
            state = State.DONE;
            if (interrupted) {
                Thread.interrupted();
            }
        }
    }
}
