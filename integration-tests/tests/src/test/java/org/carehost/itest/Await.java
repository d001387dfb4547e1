package org.carehost.itest;

import java.util.function.BooleanSupplier;

/** Waits for something the container does asynchronously (the deploy watcher, event delivery). */
final class Await {

    private Await() {
    }

    static void until(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
