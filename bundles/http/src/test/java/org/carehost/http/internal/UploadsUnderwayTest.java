package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Two requests installing the same jar at once: each one's rollback stays its own, whichever began last. */
class UploadsUnderwayTest {

    private final UploadsUnderway underway = new UploadsUnderway();

    @Test
    void aSecondRequestForTheSameLocationDoesNotTakeTheFirstOnesPlace() throws Exception {
        List<String> jar = List.of("upload:aa");
        underway.begin(jar);
        CountDownLatch secondBegan = new CountDownLatch(1);
        CountDownLatch firstChecked = new CountDownLatch(1);
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            underway.begin(jar);
            secondBegan.countDown();
            try {
                assertTrue(firstChecked.await(10, TimeUnit.SECONDS));
                return underway.onThisThread("upload:aa");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                underway.end(jar);
            }
        });
        assertTrue(secondBegan.await(10, TimeUnit.SECONDS));
        assertTrue(underway.onThisThread("upload:aa"), "the first request's rollback is still its own");
        underway.end(jar);
        firstChecked.countDown();
        assertTrue(second.get(10, TimeUnit.SECONDS), "and the second's, after the first ended");
        assertFalse(underway.onThisThread("upload:aa"), "an uninstall on a thread installing nothing is an operator's");
    }
}
