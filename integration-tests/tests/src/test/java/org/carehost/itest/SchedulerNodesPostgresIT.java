package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.Test;

/**
 * Two nodes, one PostgreSQL database: two {@code carehost.jar} processes, each with a home of its own and the
 * {@code schedule-race} plugin, share the scheduler's jobs. One node plans {@value #JOBS} one-off runs due at the same
 * moment, each working {@value #WORK_MILLIS} ms; both nodes' schedulers find them due, each run happens exactly once,
 * on one node or the other (the claim is a compare-and-set on the job's row), and both nodes take part. The second
 * node shares the first one's {@code etc/security} (the data key the jobs' payloads are sealed under), as the nodes
 * of one database must. Done when the database says every planned job is {@code DONE}: then no node will run one
 * again. Runs when {@code CAREHOST_TEST_POSTGRES_URL} names a database.
 */
public class SchedulerNodesPostgresIT {

    private static final int JOBS = 40;
    /**
     * How long each run works (in the fixture): {@value #JOBS} runs take one node {@value #JOBS} times as long, many of
     * the other node's 200 ms polling passes, so both take part; together they need about half of it.
     */
    private static final long WORK_MILLIS = 250;
    private static final String PLUGIN = "org.carehost.fixture.schedulerace";

    private final Map<String, List<String>> runs = new HashMap<>();

    @Test
    public void eachPlannedRunHappensOnceAcrossTwoNodes() throws Exception {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        Instant started = Instant.now();
        Node a = new Node("a", url, null);
        Node b = null;
        try {
            a.await("RACE-READY", 180, () -> true); // one at a time: the first start brings the schema up to date
            b = new Node("b", url, a.home); // the nodes share the data key, as nodes of one database must
            b.await("RACE-READY", 180, () -> true);
            a.type("race:plan " + JOBS + " 3000 " + WORK_MILLIS);
            String plan = a.await("PLANNED", 60, () -> true);
            String prefix = plan.split(" ")[1] + "-";
            long done = 0;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); done < JOBS; ) {
                done = finished(url, started);
                assertTrue("only " + done + " of " + JOBS + " planned runs done in 60 s", System.nanoTime() < deadline);
                if (done < JOBS) {
                    a.await("a run", 2, () -> false, true); // wake on the next line either node prints, or in 2 s
                }
            }
            assertEquals("the plan's jobs, no more", JOBS, done);
            // every run printed its line (the database said DONE after the run returned)
            a.await("PLANNED", 30, () -> ran(prefix) >= JOBS);
            synchronized (runs) {
                int onA = 0;
                for (int i = 0; i < JOBS; i++) {
                    List<String> nodes = runs.getOrDefault(prefix + i, List.of());
                    assertEquals("run " + i + " happened once: " + nodes, 1, nodes.size());
                    onA += nodes.get(0).equals("a") ? 1 : 0;
                }
                System.out.println("SchedulerNodesPostgresIT: " + JOBS + " runs due at one moment, each once: " + onA
                        + " on node a, " + (JOBS - onA) + " on node b");
                assertTrue("both nodes took part (" + onA + " of " + JOBS + " runs on node a): each run works "
                        + WORK_MILLIS + " ms, so one node alone cannot take them all before the other's next pass",
                        onA > 0 && onA < JOBS);
            }
        } finally {
            a.stop();
            if (b != null) {
                b.stop();
            }
        }
    }

    private int ran(String prefix) {
        synchronized (runs) {
            return (int) runs.entrySet().stream().filter(run -> run.getKey().startsWith(prefix)).count();
        }
    }

    /** How many of the plugin's jobs made since {@code since} are DONE, or -1 times the count still pending. */
    private static long finished(String url, Instant since) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement select = connection.prepareStatement("SELECT state, count(*) FROM scheduled_work "
                        + "WHERE plugin = ? AND created_at >= ? GROUP BY state")) {
            select.setString(1, PLUGIN);
            select.setTimestamp(2, Timestamp.from(since.minusSeconds(1)));
            long done = 0;
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    if (row.getString(1).equals("DONE")) {
                        done = row.getLong(2);
                    } else if (!row.getString(1).equals("SCHEDULED") && !row.getString(1).equals("RUNNING")) {
                        throw new AssertionError(row.getLong(2) + " planned runs ended " + row.getString(1));
                    }
                }
            }
            return done;
        }
    }

    /** One container process on the shared database; its merged output read on a thread of its own. */
    private final class Node {
        private final String name;
        private final Path home;
        private final Process process;
        private final OutputStream console;
        private final ArrayDeque<String> others = new ArrayDeque<>();
        private final Map<String, String> seen = new HashMap<>();
        private final Thread reader;
        private boolean ended;

        /** @param keysFrom the home of a node whose {@code etc/security} (the data key) this one shares, or null */
        Node(String name, String url, Path keysFrom) throws Exception {
            this.name = name;
            home = Files.createDirectories(java.nio.file.Paths.get(System.getProperty("carehost.work")))
                    .resolve("sched-nodes-" + name + "-" + System.nanoTime());
            Files.createDirectories(home.resolve("deploy"));
            Files.createDirectories(home.resolve("etc"));
            Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
            if (keysFrom != null) {
                try (var paths = Files.walk(keysFrom.resolve("etc/security"))) {
                    for (Path path : (Iterable<Path>) paths::iterator) {
                        Path target = home.resolve("etc/security").resolve(keysFrom.resolve("etc/security")
                                .relativize(path).toString());
                        if (Files.isDirectory(path)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(path, target);
                        }
                    }
                }
            }
            Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-schedule-race.jar"),
                    home.resolve("deploy/schedule-race.jar"));
            List<String> command = new ArrayList<>(List.of(CarehostProcess.thisJava()));
            command.addAll(CarehostProcess.TEST_JVM_OPTIONS);
            command.addAll(List.of("-Dorg.osgi.service.http.port=" + LoopbackPorts.free(), "-Dcarehost.store.url=" + url,
                    "-Dcarehost.node=node-" + name, "-jar", CarehostProcess.JAR.toString()));
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
            console = process.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        take(line);
                    }
                } catch (java.io.IOException closed) {
                    // the stream ends with the process
                }
                synchronized (runs) {
                    ended = true;
                    runs.notifyAll();
                }
            }, "sched-nodes-" + name);
            reader.start();
        }

        private void take(String printed) {
            String line = CarehostProcess.printed(printed);
            synchronized (runs) {
                if (line.startsWith("RAN ")) {
                    runs.computeIfAbsent(line.substring(4).strip(), key -> new ArrayList<>()).add(name);
                } else if (line.startsWith("RACE-READY") || line.startsWith("PLANNED ") || line.startsWith("Error:")) {
                    seen.put(line.split(" ")[0], line);
                } else {
                    others.addLast(line);
                    if (others.size() > 40) {
                        others.removeFirst();
                    }
                }
                runs.notifyAll();
            }
        }

        void type(String line) throws Exception {
            console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        }

        String await(String marker, long seconds, BooleanSupplier condition) throws Exception {
            return await(marker, seconds, condition, false);
        }

        /** Waits until this node printed {@code marker} (unless {@code anyLine}) and {@code condition} holds. */
        String await(String marker, long seconds, BooleanSupplier condition, boolean anyLine) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (runs) {
                while (!(anyLine || seen.containsKey(marker)) || !condition.getAsBoolean()) {
                    if (seen.containsKey("Error:")) {
                        throw new AssertionError("node " + name + ": a command failed: " + seen.get("Error:"));
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (anyLine && left <= 0) {
                        return null;
                    }
                    if (ended || left <= 0) {
                        throw new AssertionError("node " + name + ": " + (ended ? "ended" : "timed out") + " waiting for "
                                + marker + " and its condition; runs printed: " + runs.keySet().stream().limit(5).toList()
                                + "; its last lines:\n" + String.join("\n", others));
                    }
                    runs.wait(left);
                    if (anyLine) {
                        return null;
                    }
                }
                return seen.get(marker);
            }
        }

        void stop() throws Exception {
            try {
                console.close(); // piped input ended: the container stops
            } catch (java.io.IOException gone) {
                // already ended
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            reader.join(10_000);
        }
    }
}
