package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * The outbox under SIGKILL, the audit crash test's small sibling: the container (target/carehost.jar, H2 in file mode)
 * runs {@code notify-crash}, which sends notifications and delivers them; it is killed at a random moment of that load
 * {@value #DEFAULT_KILLS} times ({@code -Dcarehost.outbox.kills=N}). Every notification whose {@code send} returned
 * before a kill is delivered after the restarts, each dedupe key is one notification (the ten keys sent again at every
 * start keep their first id and are not queued again), and a notification is delivered twice only when a kill caught
 * its delivery before the outbox recorded it (at most one per kill: one delivery runs at a time).
 */
public class OutboxCrashIT {

    private static final int DEFAULT_KILLS = 3;
    private static final int KILLS = Integer.getInteger("carehost.outbox.kills", DEFAULT_KILLS);
    private static final long START_TIMEOUT_SECONDS = 180;
    /**
     * How long the last start may take to deliver what was acknowledged before the kills, once it is ready: well inside
     * the outbox's two-minute claim, so that a claim a kill left behind must be released at start, not waited out.
     */
    private static final long DELIVERY_TIMEOUT_SECONDS = 60;

    private final Map<String, Set<String>> idsByKey = new HashMap<>();
    private final Map<String, Integer> deliveries = new HashMap<>();
    private Path home;

    @Test
    public void everyAcknowledgedNotificationIsDeliveredAfterSigkillOncePerDedupeKey() throws Exception {
        home = Files.createDirectories(Paths.get(System.getProperty("carehost.work"))).resolve("outbox-crash-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-notify-crash.jar"), home.resolve("deploy/notify-crash.jar"));
        Random random = new Random(18);
        Set<String> acknowledgedBeforeKills = new HashSet<>();
        for (int run = 0; run <= KILLS; run++) {
            List<String> command = new ArrayList<>(List.of(CarehostProcess.thisJava()));
            command.addAll(CarehostProcess.TEST_JVM_OPTIONS);
            command.addAll(List.of("-jar", CarehostProcess.JAR.toString()));
            Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
            Lines lines = new Lines(process);
            try {
                lines.await(process, run, "READY", START_TIMEOUT_SECONDS, () -> true);
                if (run < KILLS) {
                    // a random moment of the load to kill at, not a wait for a result
                    Thread.sleep(500 + random.nextInt(1500));
                    process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop
                    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                    lines.join();
                    synchronized (this) {
                        acknowledgedBeforeKills.addAll(idsByKey.keySet());
                    }
                } else {
                    lines.await(process, run, "every notification acknowledged before a kill delivered",
                            DELIVERY_TIMEOUT_SECONDS, () -> {
                        synchronized (this) {
                            return deliveries.keySet().containsAll(acknowledgedBeforeKills);
                        }
                    });
                }
            } finally {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                lines.join();
            }
        }
        synchronized (this) {
            int duplicates = 0;
            for (Map.Entry<String, Set<String>> key : idsByKey.entrySet()) {
                assertEquals("dedupe key " + key.getKey() + " is one notification", 1, key.getValue().size());
            }
            for (int n : deliveries.values()) {
                duplicates += n - 1;
            }
            for (int i = 0; i < 10; i++) {
                assertTrue("fixed-" + i + " delivered", deliveries.getOrDefault("fixed-" + i, 0) >= 1);
            }
            assertTrue("a delivery is repeated only when a kill interrupted it: " + duplicates + " repeats, " + KILLS
                    + " kills", duplicates <= KILLS);
            assertTrue("the load was real: " + acknowledgedBeforeKills.size() + " acknowledged before the kills",
                    acknowledgedBeforeKills.size() > 10 + KILLS * 5);
            System.out.println("OutboxCrashIT: " + KILLS + " SIGKILLs, " + acknowledgedBeforeKills.size()
                    + " notifications acknowledged before them, all delivered; " + duplicates + " delivered twice");
        }
    }

    /** The keys acknowledged before the kills that no DELIVERED line has named yet (at most 20 of them). */
    private synchronized String undelivered() {
        Set<String> missing = new HashSet<>(idsByKey.keySet());
        missing.removeAll(deliveries.keySet());
        return missing.size() + " " + missing.stream().sorted().limit(20).toList();
    }

    /** Reads one container process's merged output on its own thread ("ACK", "DELIVERED", "READY", the last others). */
    private final class Lines {
        private final ArrayDeque<String> others = new ArrayDeque<>();
        private final Thread reader;
        private boolean ready;
        private boolean ended;

        Lines(Process process) {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        take(line);
                    }
                } catch (java.io.IOException closedByKill) {
                    // the stream ends with the process
                }
                synchronized (OutboxCrashIT.this) {
                    ended = true;
                    OutboxCrashIT.this.notifyAll();
                }
            }, "outbox-crash-output");
            reader.start();
        }

        private void take(String printed) {
            String line = CarehostProcess.printed(printed);
            String[] parts = line.split(" ");
            synchronized (OutboxCrashIT.this) {
                if (line.startsWith("ACK ") && parts.length == 3) {
                    idsByKey.computeIfAbsent(parts[1], key -> new HashSet<>()).add(parts[2]);
                } else if (line.startsWith("DELIVERED ") && parts.length == 2) {
                    deliveries.merge(parts[1], 1, Integer::sum);
                } else if (line.startsWith("READY ")) {
                    ready = true;
                } else {
                    others.addLast(line);
                    if (others.size() > 40) {
                        others.removeFirst();
                    }
                }
                OutboxCrashIT.this.notifyAll();
            }
        }

        /** Waits (on each line read) at most {@code seconds} until the process is ready and {@code condition} holds. */
        void await(Process process, int run, String what, long seconds, java.util.function.BooleanSupplier condition)
                throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (OutboxCrashIT.this) {
                while (!(ready && condition.getAsBoolean())) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (ended || left <= 0) {
                        process.destroyForcibly();
                                throw new AssertionError("run " + run + " in " + home + ": " + (ended ? "the container ended" : "timed out")
                                + " waiting for " + what + (ready ? "" : " (no READY line)") + "; acknowledged, not delivered: "
                                + undelivered() + "; its last lines:\n" + String.join("\n", others));
                    }
                    OutboxCrashIT.this.wait(Math.min(left, 1000));
                }
            }
        }

        void join() throws InterruptedException {
            reader.join(30_000);
        }
    }
}
