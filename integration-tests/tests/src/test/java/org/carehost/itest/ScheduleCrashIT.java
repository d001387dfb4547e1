package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * A scheduled run under SIGKILL: the container (target/carehost.jar, H2 in file mode, which only it can open) runs the
 * {@code schedule-race} plugin's task, which works ten minutes; the process is killed while the run is under way. At
 * the next start the run must start again at once, not when its claim expires (twice the task's 30 s deadline and a
 * minute after it started): only this process can open the database, so a job still claimed at start is the killed run's
 * ({@code org.carehost.store.StaleClaims}, the outbox's rule).
 */
public class ScheduleCrashIT {

    private static final long START_TIMEOUT_SECONDS = 180;
    /** Less than the claim of a run (twice the schedule kind's 30 s deadline and a minute): the time to beat. */
    private static final long CLAIM_SECONDS = 90;
    /** How long the second start may take to run the job again once its plugin is active: well inside the claim. */
    private static final long RERUN_SECONDS = 30;

    @Test
    public void aRunKilledWithItsProcessRunsAgainAtTheNextStart() throws Exception {
        Path home = Files.createDirectories(Paths.get(System.getProperty("carehost.work")))
                .resolve("schedule-crash-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-schedule-race.jar"),
                home.resolve("deploy/schedule-race.jar"));

        Container first = new Container(home);
        String run;
        long firstStarted;
        try {
            first.await("RACE-READY", START_TIMEOUT_SECONDS);
            first.type("race:plan 1 0 600000"); // one run, due now, working ten minutes
            run = first.await("PLANNED", 60).split(" ")[1] + "-0";
            first.await("RUNNING " + run, 60);
            firstStarted = System.nanoTime();
        } finally {
            first.kill(); // SIGKILL while the run is under way: its claim stays in the database
        }

        Container second = new Container(home);
        try {
            second.await("RACE-READY", START_TIMEOUT_SECONDS);
            second.await("RUNNING " + run, RERUN_SECONDS);
            long after = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - firstStarted);
            // released at start (not waited out: on a slow machine the two could come close in time)
            assertTrue("the scheduler said it released the killed run's claim at start: " + second.lastLines(),
                    second.saw("were running when the container last stopped"));
            assertTrue("the run started again " + after + " s after the killed one, not before its claim ("
                    + CLAIM_SECONDS + " s) was released at start", after < CLAIM_SECONDS);
            System.out.println("ScheduleCrashIT: the run killed with its process started again " + after
                    + " s after it first started (its claim would have expired after " + CLAIM_SECONDS + " s)");
        } finally {
            second.kill();
        }
    }

    /**
     * A run that ends its process every time (here: killed while it runs, at three starts in a row) does not run again
     * at every start for ever: each claim counted an attempt before the run, so the fourth start finds the job's three
     * attempts used and marks it FAILED instead of releasing it. A job planned then runs (the scheduler polled the due
     * jobs, the killed one due before it), and the killed one did not.
     */
    @Test
    public void aRunThatEndsItsProcessEveryTimeFailsAfterItsAttempts() throws Exception {
        Path home = Files.createDirectories(Paths.get(System.getProperty("carehost.work")))
                .resolve("schedule-crash-loop-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-schedule-race.jar"),
                home.resolve("deploy/schedule-race.jar"));
        String run = null;
        for (int start = 1; start <= 3; start++) {
            Container container = new Container(home);
            try {
                container.await("RACE-READY", START_TIMEOUT_SECONDS);
                if (run == null) {
                    container.type("race:plan 1 0 600000");
                    run = container.await("PLANNED", 60).split(" ")[1] + "-0";
                }
                container.await("RUNNING " + run, 60); // released at this start and run again (attempt 'start')
            } finally {
                container.kill();
            }
        }
        Container fourth = new Container(home);
        try {
            fourth.await("RACE-READY", START_TIMEOUT_SECONDS);
            fourth.awaitContaining("none of their last 3 runs finished: they are FAILED", 60);
            fourth.type("race:plan 1 0 10");
            String after = fourth.await("PLANNED", 60).split(" ")[1] + "-0";
            fourth.await("RAN " + after, 60);
            assertTrue("the job killed three times did not run a fourth time: " + fourth.lastLines(),
                    !fourth.saw("RUNNING " + run));
        } finally {
            fourth.kill();
        }
    }

    /** One container process; its merged output read on a thread of its own. */
    private static final class Container {
        private final Process process;
        private final OutputStream console;
        private final List<String> lines = new ArrayList<>();
        private final ArrayDeque<String> last = new ArrayDeque<>();
        private final Thread reader;
        private boolean ended;

        Container(Path home) throws Exception {
            List<String> command = new ArrayList<>(List.of(CarehostProcess.thisJava()));
            command.addAll(CarehostProcess.TEST_JVM_OPTIONS);
            command.addAll(List.of("-Dorg.osgi.service.http.port=" + LoopbackPorts.free(), "-jar",
                    CarehostProcess.JAR.toString()));
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
            console = process.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (this) {
                            lines.add(CarehostProcess.printed(line));
                            last.addLast(line);
                            if (last.size() > 40) {
                                last.removeFirst();
                            }
                            notifyAll();
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the stream ends with the process
                }
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }, "schedule-crash-output");
            reader.start();
        }

        void type(String line) throws Exception {
            console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        }

        /** Waits (woken by each line) at most {@code seconds} for a line starting with {@code prefix}; returns it. */
        /** Whether a line so far contains {@code part}. */
        synchronized boolean saw(String part) {
            return lines.stream().anyMatch(line -> line.contains(part));
        }

        synchronized String lastLines() {
            return String.join("\n", last);
        }

        /** Waits (woken by each line) at most {@code seconds} for a line containing {@code part}. */
        synchronized void awaitContaining(String part, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!saw(part)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (ended || left <= 0) {
                    throw new AssertionError((ended ? "the container ended" : "timed out after " + seconds + " s")
                            + " waiting for a line with '" + part + "'; its last lines:\n" + String.join("\n", last));
                }
                wait(left);
            }
        }

        synchronized String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).startsWith(prefix)) {
                        return lines.get(seen);
                    }
                    if (lines.get(seen).startsWith("Error:")) {
                        throw new AssertionError("a command failed: " + lines.get(seen));
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (ended || left <= 0) {
                    throw new AssertionError((ended ? "the container ended" : "timed out after " + seconds + " s")
                            + " waiting for '" + prefix + "'; its last lines:\n" + String.join("\n", last));
                }
                wait(left);
            }
        }

        void kill() throws Exception {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop
            assertTrue("the container did not end after SIGKILL", process.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
        }
    }
}
