package org.carehost.launcher;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.carehost.shell.TerminalText;

/**
 * The JVM's default handler for exceptions that end a thread, installed by {@link Boot} before any bundle runs.
 *
 * <p>Why: a thread that dies of an {@link OutOfMemoryError} takes what it was doing with it (the deploy watcher,
 * the policy watcher, the audit journal's copier) while the rest of the container answers as if nothing happened:
 * half alive, with nobody told. So a {@link VirtualMachineError} anywhere in the chain of causes, on any thread,
 * prints one line saying which thread died of what and that the container is stopping, and then has the container
 * stop cleanly and exit with {@link #EXIT_STATUS}, so that a supervisor restarts it. Any other exception ends only
 * its own thread (as the JDK would) and is printed as one line naming the thread and where it was thrown, instead
 * of a stack trace in the middle of the operator's shell.
 *
 * <p>The stop is only signalled here ({@code stop} must not allocate: memory may have just run out); the thread
 * {@link #install} makes beforehand calls {@code System.exit}, whose shutdown hook ({@link Boot}) stops every bundle.
 * Exiting first, rather than stopping the framework first, is what makes the status stick: once the framework stops,
 * the launcher exits with the console's status (0), and the first exit's status is the one the JVM ends with.
 * A handler set before this one keeps being called after it.
 */
final class UncaughtErrors implements Thread.UncaughtExceptionHandler {

    /** The JVM's exit status after a fatal error: 1 is a failed script command, so not that. */
    static final int EXIT_STATUS = 3;

    private final Thread.UncaughtExceptionHandler previous;
    private final Supplier<PrintStream> err;
    private final Runnable stop;
    private final AtomicBoolean stopping = new AtomicBoolean();

    /**
     * {@code previous}: the handler to call after this one, or null; {@code err}: where the line goes;
     * {@code stop}: signals the stop, once, without allocating.
     */
    UncaughtErrors(Thread.UncaughtExceptionHandler previous, Supplier<PrintStream> err, Runnable stop) {
        this.previous = previous;
        this.err = err;
        this.stop = stop;
    }

    /**
     * Sets a new handler as the JVM's default, chained to the one set before, with a daemon thread started now that
     * calls {@code exit} with {@link #EXIT_STATUS} once a fatal error is signalled (a thread started after memory ran
     * out might not start at all). Interrupting that thread ({@link Installed#close}) retires it without exiting.
     */
    static Installed install(IntConsumer exit) {
        CountDownLatch fatal = new CountDownLatch(1);
        Thread exiter = new Thread(() -> {
            try {
                fatal.await();
            } catch (InterruptedException retired) {
                return;
            }
            exit.accept(EXIT_STATUS);
        }, "carehost-fatal-error-exit");
        exiter.setDaemon(true);
        exiter.start();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        // The process's standard error as it is now, before the Gogo shell swaps System.err for a stream per thread
        // (in which a line printed on a shell thread may stay in that thread's pipe).
        PrintStream stderr = System.err;
        UncaughtErrors handler = new UncaughtErrors(previous, () -> stderr, fatal::countDown);
        Thread.setDefaultUncaughtExceptionHandler(handler);
        return new Installed(handler, previous, exiter);
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        VirtualMachineError fatal = fatal(error);
        try {
            PrintStream out = err.get();
            // one line, shown as text: a plugin names its threads and writes its exceptions' messages
            out.println(TerminalText.printable(fatal != null ? fatalLine(thread, fatal) : line(thread, error))
                    .replace('\r', ' ').replace('\n', ' '));
            out.flush();
        } catch (Throwable notEvenOneLine) {
            // out of memory even for the line: the stop below matters more
        }
        if (fatal != null && stopping.compareAndSet(false, true)) {
            stop.run();
        }
        if (previous != null) {
            try {
                previous.uncaughtException(thread, error);
            } catch (Throwable ignored) {
                // the previous handler's failure must not hide this error or undo the stop
            }
        }
    }

    /** The {@link VirtualMachineError} that {@code error} is or was caused by, or null. */
    static VirtualMachineError fatal(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof VirtualMachineError) {
                return (VirtualMachineError) cause;
            }
        }
        return null;
    }

    static String fatalLine(Thread thread, VirtualMachineError fatal) {
        String next = fatal instanceof OutOfMemoryError
                ? "restart it; if memory keeps running out, raise -Xmx or stop the plugin that holds it"
                : "restart it";
        return "carehost: thread \"" + thread.getName() + "\" died of " + fatal + "; the container is stopping "
                + "(exit status " + EXIT_STATUS + "), since its other threads cannot be trusted to carry on: " + next;
    }

    static String line(Thread thread, Throwable error) {
        StackTraceElement[] trace = error.getStackTrace();
        String where = trace.length == 0 ? "" : " at " + trace[0];
        return "carehost: thread \"" + thread.getName() + "\" died of " + error + where
                + "; the container goes on without that thread";
    }

    /** The handler as installed: {@link #close} puts back the one set before and retires the exit thread. */
    static final class Installed implements AutoCloseable {

        final UncaughtErrors handler;
        private final Thread.UncaughtExceptionHandler previous;
        private final Thread exiter;

        Installed(UncaughtErrors handler, Thread.UncaughtExceptionHandler previous, Thread exiter) {
            this.handler = handler;
            this.previous = previous;
            this.exiter = exiter;
        }

        @Override
        public void close() {
            if (Thread.getDefaultUncaughtExceptionHandler() == handler) {
                Thread.setDefaultUncaughtExceptionHandler(previous);
            }
            if (!handler.stopping.get()) {
                exiter.interrupt(); // once signalled, it is exiting: leave it be
            }
        }
    }
}
