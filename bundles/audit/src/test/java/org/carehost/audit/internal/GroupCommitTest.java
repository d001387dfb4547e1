package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.carehost.sdk.audit.AuditUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Group commit alone, with an in-memory writer: no database. */
@Timeout(60)
class GroupCommitTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private GroupCommit<Integer, String> commit(GroupCommit.Writer<Integer, String> writer) {
        return new GroupCommit<>(writer, 1000, 100, TimeUnit.SECONDS.toNanos(30), (size, e) -> failures.add(e));
    }

    private List<String> record(List<Integer> batch) {
        batches.add(List.copyOf(batch));
        return batch.stream().map(item -> "written " + item).toList();
    }

    @Test
    void aLoneCallerWritesItsOwnItemOnItsOwnThread() {
        Thread caller = Thread.currentThread();
        List<Thread> writers = new ArrayList<>();
        GroupCommit<Integer, String> commit = commit(batch -> {
            writers.add(Thread.currentThread());
            return record(batch);
        });
        assertEquals("written 1", commit.submit(1));
        assertEquals("written 2", commit.submit(2));
        assertEquals(List.of(List.of(1), List.of(2)), batches);
        assertEquals(List.of(caller, caller), writers);
    }

    @Test
    void callersQueuedDuringAWriteShareTheNextOneAndEachGetsItsOwnResult() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        GroupCommit<Integer, String> commit = commit(batch -> {
            if (writes.incrementAndGet() == 1) {
                firstWriteStarted.countDown();
                releaseFirstWrite.await();
            }
            return record(batch);
        });
        Future<String> first = callers.submit(() -> commit.submit(0));
        assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
        List<Future<String>> others = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            int item = i;
            others.add(callers.submit(() -> commit.submit(item)));
        }
        while (commit.queued() < 7) {
            Thread.onSpinWait();
        }
        releaseFirstWrite.countDown();
        assertEquals("written 0", first.get());
        for (int i = 1; i <= 7; i++) {
            assertEquals("written " + i, others.get(i - 1).get());
        }
        assertEquals(2, batches.size(), "one write for the first caller, one for the seven queued behind it: " + batches);
        List<Integer> second = new ArrayList<>(batches.get(1));
        Collections.sort(second);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), second);
    }

    @Test
    void underContentionEveryItemIsWrittenOnceAndNoWriteOverlapsAnother() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        GroupCommit<Integer, String> commit = commit(batch -> {
            assertEquals(1, inside.incrementAndGet(), "two writes at once");
            try {
                Thread.yield();
                return record(batch);
            } finally {
                inside.decrementAndGet();
            }
        });
        int threads = 16;
        int each = 500;
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            done.add(callers.submit(() -> {
                for (int i = 0; i < each; i++) {
                    assertEquals("written " + (base + i), commit.submit(base + i));
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        List<Integer> all = new ArrayList<>();
        batches.forEach(all::addAll);
        Collections.sort(all);
        assertEquals(threads * each, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i));
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(batches.stream().allMatch(batch -> batch.size() <= 100), "a batch over the limit");
    }

    @Test
    void aFailedWriteFailsEveryCallerOfItsBatchAndTheNextBatchIsWritten() {
        AtomicInteger calls = new AtomicInteger();
        GroupCommit<Integer, String> commit = commit(batch -> {
            if (calls.incrementAndGet() == 1) {
                throw new java.sql.SQLException("disk full");
            }
            return record(batch);
        });
        AuditUnavailableException refused = assertThrows(AuditUnavailableException.class, () -> commit.submit(1));
        assertTrue(refused.getMessage().contains("disk full"), refused.getMessage());
        assertEquals(1, failures.size());
        assertEquals("written 2", commit.submit(2));
        assertEquals(List.of(List.of(2)), batches);
    }

    @Test
    void aWriterReturningTooFewResultsFailsTheBatch() {
        GroupCommit<Integer, String> commit = commit(batch -> List.of());
        assertThrows(AuditUnavailableException.class, () -> commit.submit(1));
        assertEquals(1, failures.size());
    }

    @Test
    void afterCloseNothingIsAcceptedAndWaitingCallersAreRefused() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<Integer, String> commit = commit(batch -> {
            firstWriteStarted.countDown();
            releaseFirstWrite.await();
            return record(batch);
        });
        Future<String> first = callers.submit(() -> commit.submit(0));
        assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
        Future<String> queued = callers.submit(() -> commit.submit(1));
        while (commit.queued() < 1) {
            Thread.onSpinWait();
        }
        Thread closing = new Thread(commit::close);
        closing.start();
        // close() stops accepting before it waits for the write under way
        while (closing.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        releaseFirstWrite.countDown();
        closing.join(10_000);
        assertTrue(!closing.isAlive(), "close() returned once the write under way had finished");
        assertEquals("written 0", first.get(), "the batch under way when close() came is finished");
        java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class, queued::get);
        assertTrue(refused.getCause() instanceof AuditUnavailableException, refused.toString());
        assertThrows(AuditUnavailableException.class, () -> commit.submit(2));
        assertEquals(List.of(List.of(0)), batches);
    }
}
