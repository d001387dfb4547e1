package org.carehost.audit.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One run at a time of a costly computation (a whole-trail verification): a caller that comes while one runs waits for
 * it and gets its result, or its failure; none starts a second run in parallel. The next caller after it ends starts a
 * new one.
 */
final class SingleFlight<T> {

    private final Object lock = new Object();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private CompletableFuture<T> running;

    /** How many callers wait for the run under way (besides the one running it). */
    int waiting() {
        return waiting.get();
    }

    T get(Callable<T> work) {
        CompletableFuture<T> flight;
        boolean mine = false;
        synchronized (lock) {
            if (running == null) {
                running = new CompletableFuture<>();
                mine = true;
            }
            flight = running;
        }
        if (mine) {
            try {
                flight.complete(work.call());
            } catch (Throwable failure) {
                flight.completeExceptionally(failure);
            } finally {
                synchronized (lock) {
                    running = null;
                }
            }
        }
        if (!mine) {
            waiting.incrementAndGet();
        }
        try {
            return flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the run under way", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            if (!mine) {
                waiting.decrementAndGet();
            }
        }
    }
}
