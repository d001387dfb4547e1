package org.carehost.itest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Calls made at once from threads of their own, released together: for limits that must hold under concurrency. */
final class AtOnce {

    private AtOnce() {
    }

    /** The answers of {@code n} calls of {@code call} (given its index), started together, in index order. */
    static List<String> answers(int n, java.util.function.IntFunction<Callable<String>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<String> each = call.apply(i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return each.call();
                }));
            }
            go.countDown();
            List<String> answers = new ArrayList<>();
            for (Future<String> future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
