package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A verification under way is shared by whoever asks meanwhile, never run twice at once. */
class SingleFlightTest {

    private final SingleFlight<Object> flight = new SingleFlight<>();
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void aCallerWhileOneRunsGetsItsResultWithoutASecondRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Object result = new Object();
        CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> flight.get(() -> {
            runs.incrementAndGet();
            started.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return result;
        }));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        CountDownLatch secondCalling = new CountDownLatch(1);
        CompletableFuture<Object> second = CompletableFuture.supplyAsync(() -> {
            secondCalling.countDown();
            return flight.get(() -> {
                runs.incrementAndGet();
                return new Object();
            });
        });
        assertTrue(secondCalling.await(30, TimeUnit.SECONDS));
        // The second caller is either waiting for the first run or not yet in get(): release only once it waits.
        while (!second.isDone() && flight.waiting() == 0) {
            Thread.onSpinWait();
        }
        release.countDown();
        assertSame(result, first.get(30, TimeUnit.SECONDS));
        assertSame(result, second.get(30, TimeUnit.SECONDS));
        assertEquals(1, runs.get());
        // the next caller after the run ended starts a new one
        flight.get(() -> runs.incrementAndGet());
        assertEquals(2, runs.get());
    }

    @Test
    void aFailureReachesTheCallerAndTheNextRunStartsAfresh() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> flight.get(() -> {
            throw new IllegalStateException("store down");
        }));
        assertEquals("store down", thrown.getMessage());
        assertEquals("ok", flight.get(() -> "ok"));
    }
}
