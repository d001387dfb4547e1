package org.carehost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Threads really dying of errors, with the stop and the exit observed through injected stand-ins. */
class UncaughtErrorsTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final AtomicInteger stops = new AtomicInteger();
    private final List<String> chained = Collections.synchronizedList(new ArrayList<>());

    private UncaughtErrors handler(Thread.UncaughtExceptionHandler previous) {
        return new UncaughtErrors(previous, () -> err, stops::incrementAndGet);
    }

    /** Runs {@code body} on a new thread named {@code name} that dies of what it throws, and waits for the end. */
    private static void dieOn(String name, UncaughtErrors handler, Runnable body) throws InterruptedException {
        Thread thread = new Thread(body, name);
        thread.setUncaughtExceptionHandler(handler);
        thread.start();
        thread.join(10_000);
    }

    private List<String> lines() {
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void anOutOfMemoryErrorPrintsOneLineAndStopsTheContainer() throws Exception {
        dieOn("carehost-deploy-watcher", handler(null), () -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertEquals(1, stops.get());
        assertEquals(1, lines().size(), lines().toString());
        String line = lines().get(0);
        assertTrue(line.contains("thread \"carehost-deploy-watcher\" died of java.lang.OutOfMemoryError: Java heap space"), line);
        assertTrue(line.contains("the container is stopping (exit status 3)"), line);
        assertTrue(line.contains("raise -Xmx"), line);
    }

    @Test
    void anOutOfMemoryErrorWrappedInAnotherExceptionIsFatalToo() throws Exception {
        dieOn("wrapped", handler(null), () -> {
            throw new IllegalStateException("task failed", new OutOfMemoryError("Metaspace"));
        });
        assertEquals(1, stops.get());
        assertTrue(lines().get(0).contains("died of java.lang.OutOfMemoryError: Metaspace"), lines().toString());
    }

    @Test
    void theStopIsSignalledOnceHoweverManyThreadsDie() throws Exception {
        UncaughtErrors handler = handler(null);
        dieOn("first", handler, () -> {
            throw new OutOfMemoryError("one");
        });
        dieOn("second", handler, () -> {
            throw new InternalError("two");
        });
        assertEquals(1, stops.get());
        assertEquals(2, lines().size(), "each death is still printed: " + lines());
    }

    @Test
    void anyOtherExceptionIsOneLineNamingTheThreadAndWhereAndTheContainerGoesOn() throws Exception {
        dieOn("carehost-plugin-health", handler(null), () -> {
            throw new IllegalArgumentException("no such plugin");
        });
        assertEquals(0, stops.get());
        assertEquals(1, lines().size(), "no stack trace: " + lines());
        String line = lines().get(0);
        assertTrue(line.contains("thread \"carehost-plugin-health\" died of java.lang.IllegalArgumentException: no such plugin at "
                + UncaughtErrorsTest.class.getName()), line);
        assertTrue(line.endsWith("the container goes on without that thread"), line);
    }

    @Test
    void theHandlerSetBeforeIsStillCalled() throws Exception {
        dieOn("chained", handler((thread, error) -> chained.add(thread.getName() + " " + error.getMessage())), () -> {
            throw new OutOfMemoryError("heap");
        });
        assertEquals(List.of("chained heap"), chained);
        assertEquals(1, stops.get());
    }

    @Test
    void installedItExitsWithStatusThreeFromItsOwnThreadAndCloseRestoresThePreviousHandler() throws Exception {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.UncaughtExceptionHandler previous = (thread, error) -> chained.add(thread.getName());
        Thread.setDefaultUncaughtExceptionHandler(previous);
        BlockingQueue<String> exits = new ArrayBlockingQueue<>(2);
        UncaughtErrors.Installed installed = UncaughtErrors.install(
                status -> exits.add(status + " on " + Thread.currentThread().getName()));
        try {
            assertSame(installed.handler, Thread.getDefaultUncaughtExceptionHandler());
            Thread dying = new Thread(() -> {
                throw new OutOfMemoryError("simulated");
            }, "dies-of-oom");
            dying.start(); // no handler of its own: the JVM's default applies
            String exit = exits.poll(10, TimeUnit.SECONDS);
            assertNotNull(exit, "no exit was requested");
            assertEquals("3 on carehost-fatal-error-exit", exit);
            dying.join(10_000);
            assertEquals(List.of("dies-of-oom"), chained);
        } finally {
            installed.close();
            assertSame(previous, Thread.getDefaultUncaughtExceptionHandler());
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
