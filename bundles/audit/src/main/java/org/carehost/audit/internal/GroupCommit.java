package org.carehost.audit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.carehost.sdk.audit.AuditUnavailableException;

/**
 * Group commit, with no knowledge of what is written or where: callers put their item on a queue; one of them (the
 * leader, whoever holds the write lock) takes everything queued, hands it to the {@link Writer} as one batch and
 * releases the others, who meanwhile wait for it or lead the next batch. Under load many callers share one write;
 * alone, a caller writes just its own, with no hand-over to another thread. If the write fails, every caller of that
 * batch gets {@link AuditUnavailableException} (fail closed).
 *
 * <p>Why not an executor with a writer thread: the hand-over to it and back costs two thread wake-ups per batch, which
 * is most of a write's cost when the write is a journal append (H2); here the caller that finds the lock free writes.
 *
 * @param <I> what callers give
 * @param <O> what the write makes of each item, in order
 */
final class GroupCommit<I, O> {

    /** Makes a batch durable; returns one result per item, in order, or throws and nothing of the batch is kept. */
    @FunctionalInterface
    interface Writer<I, O> {
        List<O> write(List<I> batch) throws Exception;
    }

    /** A follower is woken when its item is written or it is to lead; this only bounds a missed wake-up. */
    private static final long FOLLOWER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long a caller whose record a leader took still waits for that write once its deadline has passed. */
    private static final long TAKEN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Writer<I, O> writer;
    private final int maxBatch;
    private final long waitNanos;
    private final BlockingQueue<Pending<I, O>> queue;
    /** Held by the caller that writes the current batch (the leader); the others wait for it or lead the next. */
    private final ReentrantLock writing = new ReentrantLock();
    private final java.util.function.BiConsumer<Integer, Exception> onFailure;
    private volatile boolean running = true;

    /**
     * @param capacity  most items queued at once; beyond it callers are refused (overload)
     * @param maxBatch  most items in one write
     * @param waitNanos how long a caller waits for its item to be written before it gives up
     * @param onFailure told of each failed batch (its size and the failure), for the log
     */
    GroupCommit(Writer<I, O> writer, int capacity, int maxBatch, long waitNanos,
            java.util.function.BiConsumer<Integer, Exception> onFailure) {
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.waitNanos = waitNanos;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onFailure = onFailure;
    }

    /**
     * A caller's item, its outcome, and the caller, to be woken when the outcome is known or it is to lead. Its
     * {@code state} settles, in one step, whether a leader writes it ({@link #take}) or its caller gave up first
     * ({@link #abandon}): a record whose caller was told it was not written is never written after all.
     */
    private record Pending<I, O>(I item, CompletableFuture<O> done, Thread caller, AtomicInteger state) {

        private static final int QUEUED = 0;
        private static final int TAKEN = 1;
        private static final int ABANDONED = 2;

        Pending(I item, Thread caller) {
            this(item, new CompletableFuture<>(), caller, new AtomicInteger(QUEUED));
        }

        /** A leader takes it for its batch: false when its caller gave up (it is left out). */
        boolean take() {
            return state.compareAndSet(QUEUED, TAKEN);
        }

        /** Its caller gives up: false when a leader took it already (the caller then waits for that write). */
        boolean abandon() {
            return state.compareAndSet(QUEUED, ABANDONED);
        }

        void complete(O result) {
            done.complete(result);
            LockSupport.unpark(caller);
        }

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
            LockSupport.unpark(caller);
        }
    }

    /** Returns once {@code item} is written, with what the writer made of it. */
    O submit(I item) {
        Pending<I, O> pending = new Pending<>(item, Thread.currentThread());
        if (!running || !queue.offer(pending)) {
            throw new AuditUnavailableException("The audit trail is not accepting records (stopped or overloaded)", null);
        }
        long deadline = System.nanoTime() + waitNanos;
        try {
            while (!pending.done.isDone()) {
                if (writing.tryLock()) {
                    // Leader: write everything queued (this item among it) in one batch.
                    try {
                        writeQueued();
                    } finally {
                        writing.unlock();
                    }
                    // Whoever queued while this batch was written leads the next one (the oldest is woken for it).
                    Pending<I, O> next = queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.caller);
                    }
                } else {
                    // Follower: woken when the leader has written this item, or when it is to lead the next batch.
                    LockSupport.parkNanos(this, FOLLOWER_PARK_NANOS);
                    if (Thread.currentThread().isInterrupted() && pending.abandon()) {
                        queue.remove(pending); // not left at the head, where the next leader would be looked for
                        throw new InterruptedException();
                    }
                }
                if (System.nanoTime() - deadline > 0 && !pending.done.isDone() && pending.abandon()) {
                    queue.remove(pending);
                    throw new AuditUnavailableException("The audit record was not written within "
                            + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s", null);
                }
                if (pending.state.get() == Pending.TAKEN) {
                    return awaitWrite(pending, deadline); // a leader writes it: its outcome is the caller's
                }
            }
            return pending.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("Interrupted while waiting for the audit record to be written", e);
        } catch (ExecutionException e) {
            throw unavailable(e);
        }
    }

    /** What a caller is told when the write of its record failed: the writer's refusal, or one naming its failure. */
    private static AuditUnavailableException unavailable(ExecutionException failed) {
        Throwable cause = failed.getCause();
        return cause instanceof AuditUnavailableException unavailable ? unavailable
                : new AuditUnavailableException("The audit record could not be written: " + cause.getMessage(), cause);
    }

    /**
     * Waits, uninterruptibly, for the write a leader took the item into (an interrupt would tell the caller "not
     * written" of a record that is being written), then returns its outcome; an interrupt meanwhile is kept for the
     * caller. Only a write that outlasts the deadline ends the wait: its outcome is then unknown, and said so.
     */
    private O awaitWrite(Pending<I, O> pending, long deadline) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    // at least one more write's time: a record taken just as the deadline passed is being written
                    long left = Math.max(deadline - System.nanoTime(), TAKEN_GRACE_NANOS);
                    return pending.done.get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException again) {
                    interrupted = true;
                } catch (java.util.concurrent.TimeoutException stalled) {
                    throw new AuditUnavailableException("The audit record was taken for writing but not confirmed "
                            + "within " + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s (the write is stalled; the "
                            + "record may still appear in the trail); the call was refused", null);
                } catch (ExecutionException e) {
                    throw unavailable(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes what is queued as one batch; called with {@link #writing} held. */
    private void writeQueued() {
        List<Pending<I, O>> drained = new ArrayList<>(Math.min(queue.size() + 1, maxBatch));
        queue.drainTo(drained, maxBatch);
        List<Pending<I, O>> batch = new ArrayList<>(drained.size());
        for (Pending<I, O> pending : drained) {
            if (pending.take()) {
                batch.add(pending); // the others' callers gave up: left out, never written
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        if (!running) {
            // Queued after close() had emptied the queue: the writer may be gone already.
            AuditUnavailableException stopping = new AuditUnavailableException("The audit trail is stopping", null);
            batch.forEach(pending -> pending.fail(stopping));
            return;
        }
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(pending -> items.add(pending.item));
        try {
            List<O> written = writer.write(items);
            if (written.size() != batch.size()) {
                throw new IllegalStateException("the writer returned " + written.size() + " results for "
                        + batch.size() + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(written.get(i));
            }
        } catch (Exception e) {
            onFailure.accept(batch.size(), e);
            AuditUnavailableException failure = new AuditUnavailableException(
                    "The audit trail could not be written (" + e.getMessage() + "); the call was refused", e);
            batch.forEach(pending -> pending.fail(failure));
        } catch (Error e) {
            // callers whose items it took wait for this write: they must hear of it, not wait out their deadline
            AuditUnavailableException failure = new AuditUnavailableException(
                    "The audit trail could not be written (" + e + "); the call was refused", e);
            batch.forEach(pending -> pending.fail(failure));
            throw e;
        }
    }

    /** How many items wait for a leader (for tests and diagnostics). */
    int queued() {
        return queue.size();
    }

    /**
     * Stops accepting items; waits for a batch being written, then fails whatever is still queued. Returns once no
     * write is under way and none will start.
     */
    void close() {
        running = false;
        writing.lock();
        try {
            Pending<I, O> left;
            while ((left = queue.poll()) != null) {
                left.fail(new AuditUnavailableException("The audit trail is stopping", null));
            }
        } finally {
            writing.unlock();
        }
    }
}
