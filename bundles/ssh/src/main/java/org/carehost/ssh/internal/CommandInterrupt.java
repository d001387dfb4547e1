package org.carehost.ssh.internal;

import java.io.InterruptedIOException;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;

/**
 * Ctrl-C of one SSH session: interrupts the command running in it, as Ctrl-C does at the local console
 * ({@code InteractiveConsole}, bundles/console): the job Gogo runs it in and the session's thread waiting for it. It
 * acts only while a command runs ({@link #running} to {@link #done}, both on the session's thread): an interrupt that
 * came as the command ended is cleared there, under the same lock, so it never reaches the next line's editor.
 *
 * <p>A Ctrl-C holds for the rest of the line: a job that Gogo starts after it (the next statement of
 * {@code echo a; gogo:sleep 600}) is refused as it starts, through the session's job listener, before Gogo hands it to
 * a thread, so it never runs. An interrupt of the session's thread alone, between two statements, could be lost (the
 * next statement ran its whole 600 s), and interrupting a job that Gogo had handed to its executor but not yet begun
 * cancels it for good, so that it never ends and reads as still running.
 */
final class CommandInterrupt {

    /** How long a command interrupted by Ctrl-C is given to stop before the prompt comes back without it. */
    private static final long STOP_WAIT_MILLIS = 2_000;

    private final Thread runner;
    private CommandSession session;
    /** Ctrl-C came during the command; read by the job listener without the lock (see {@link #running}). */
    private volatile boolean requested;
    /** The job the listener refused to start (it never runs, and stays "foreground" in Gogo's list until moved). */
    private volatile Job refused;

    /** For the session run on {@code runner}. */
    CommandInterrupt(Thread runner) {
        this.runner = runner;
    }

    /** A command of {@code running} starts on the runner. */
    void running(CommandSession running) {
        synchronized (this) {
            session = running;
            requested = false;
            refused = null;
        }
        running.setJobListener((job, previous, current) -> {
            // no lock here: Gogo calls this holding the job's monitor, which interrupt() may wait for under the lock
            if (current == Job.Status.Foreground && previous == Job.Status.Created && requested) {
                refused = job;
                // thrown out of the job's start, before Gogo submits it: it never runs, and the line ends here
                throw new IllegalStateException("interrupted (Ctrl-C)", new InterruptedException("Ctrl-C"));
            }
        });
    }

    /** The command ended: an interrupt that came meanwhile is cleared. Called on the runner. */
    synchronized void done() {
        session = null;
        requested = false;
        refused = null;
        Thread.interrupted();
    }

    /** Ctrl-C (the byte, through the terminal's line discipline, or the SSH "signal INT" request). */
    synchronized void interrupt() {
        if (session == null) {
            return; // no command runs: the line editor handles Ctrl-C itself
        }
        requested = true;
        Job job = session.foregroundJob();
        if (job != null) {
            job.interrupt();
        }
        runner.interrupt();
    }

    /**
     * After a command failed by an interrupt, on the runner: what the operator is told, in the console's words. The
     * command still in the foreground is interrupted (again) and given {@value #STOP_WAIT_MILLIS} ms to stop, so that
     * what it prints as it stops comes before the prompt; one that does not stop is put in the background (where it
     * ends by itself), so that the next command is not refused ("A job is already in foreground").
     */
    String stopped(CommandSession session) {
        Thread.interrupted();
        Job still = session.foregroundJob();
        if (still != null && still == refused) {
            still.background(); // never ran: out of the foreground, or every next command is refused
            return "Interrupted.";
        }
        if (still != null) {
            still.interrupt();
            long deadline = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000;
            try {
                while (still.status() != Job.Status.Done && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt(); // Ctrl-C again: no more waiting (cleared by done())
            }
            still = session.foregroundJob();
        }
        if (still == null) {
            return "Interrupted.";
        }
        still.background();
        return "Interrupted; the command did not stop at once and goes on in the background until it ends "
                + "('plugin:list' and the log show what it did).";
    }

    /** Whether a command failed because it was interrupted. */
    static boolean byInterrupt(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }
}
