package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * Durability for real: the container (target/carehost.jar, H2 in file mode) runs a plugin that writes
 * audit records from four threads; it is killed with SIGKILL at a random moment, 20 times. At each next
 * start (which replays the audit journal) the whole chain verifies and reaches every record acknowledged
 * before the kill; at the end each acknowledged record is in the database with its content.
 */
public class AuditCrashIT {

    /** 20 by default (the minimum); {@code -Dcarehost.crash.kills=N} for a longer hunt. */
    private static final int KILLS = Integer.getInteger("carehost.crash.kills", 20);
    private static final Path JAR = Paths.get(System.getProperty("carehost.jar"));
    private static final Path BUNDLES = Paths.get(System.getProperty("carehost.bundles"));

    @Test
    public void everyAcknowledgedRecordSurvivesSigkillAndTheChainVerifies() throws Exception {
        Path home = Files.createDirectories(Paths.get(System.getProperty("carehost.work"))).resolve("crash-" + System.nanoTime());
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(BUNDLES.resolve("carehost-fixture-audit-load.jar"), home.resolve("deploy/audit-load.jar"));
        Map<Long, String> acknowledged = new HashMap<>();
        Random random = new Random(42);
        long lastChecked = 0;
        for (int run = 0; run <= KILLS; run++) {
            // A plugin's System.out goes to standard error when standard input is not a terminal (standard output
            // is kept for command output): read both, merged.
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java"));
            command.addAll(CarehostProcess.TEST_JVM_OPTIONS);
            command.addAll(java.util.List.of("-jar", JAR.toString()));
            Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
            // The last start is only checked, then killed: what it acknowledges after its check sits in the journal,
            // which the next start (there is none) would copy to the database the test reads. Not counted.
            // This run's acknowledgements are kept apart until it is over: they come after its check (and may be read
            // before the check below runs), so only the earlier runs' are held against the chain it verified.
            Map<Long, String> thisRun = new HashMap<>();
            ProcessLines lines = new ProcessLines(process, thisRun);
            String verified = lines.verified(process, run);
            String[] parts = verified.split(" ");
            assertEquals("run " + run + ": chain intact after the previous kill: " + verified, "true", parts[1]);
            long checked = Long.parseLong(parts[2]);
            long lastAcknowledged = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            assertTrue("run " + run + ": every acknowledged record is in the chain (" + checked + " checked, the last "
                    + "acknowledged before this start: " + lastAcknowledged + ")", lastAcknowledged <= checked);
            assertTrue(checked >= lastChecked);
            lastChecked = checked;
            if (run == KILLS) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                lines.join();
                break;
            }
            Thread.sleep(200 + random.nextInt(1300)); // a random moment of the load to kill at, not a wait for a result
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            lines.join();
            synchronized (thisRun) {
                acknowledged.putAll(thisRun);
            }
        }
        // The last start replayed the journal into the database before it verified: every acknowledged record
        // must now be there with its content.
        assertAllPresent(home, acknowledged);
        assertTrue("the load was real: " + acknowledged.size() + " acknowledged records", acknowledged.size() > KILLS * 20);
        System.out.println("AuditCrashIT: " + KILLS + " SIGKILLs, " + acknowledged.size()
                + " acknowledged records, all present; chain verified after each restart (" + lastChecked + " records)");
    }

    /** Longest a start (recovery included) may take: a hang fails the test instead of holding CI up. */
    private static final long START_TIMEOUT_SECONDS = 180;

    /**
     * Reads one container process's merged output on its own thread: the "VERIFIED" line, every "ACK" into the
     * map of acknowledged records, and the last other lines for a failure's message (bounded: the load writes
     * millions of lines, and a message of all of them once lost the test's result in the report).
     */
    private static final class ProcessLines {
        private final java.util.concurrent.CompletableFuture<String> verified = new java.util.concurrent.CompletableFuture<>();
        private final java.util.ArrayDeque<String> otherLines = new java.util.ArrayDeque<>();
        private final Thread reader;

        ProcessLines(Process process, Map<Long, String> acknowledged) {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        line = CarehostProcess.printed(line);
                        if (line.startsWith("ACK ")) {
                            String[] ack = line.split(" ");
                            synchronized (acknowledged) {
                                acknowledged.put(Long.parseLong(ack[1]), ack[2]);
                            }
                        } else if (line.startsWith("VERIFIED ")) {
                            verified.complete(line);
                        } else {
                            synchronized (otherLines) {
                                otherLines.addLast(line);
                                if (otherLines.size() > 40) {
                                    otherLines.removeFirst();
                                }
                            }
                        }
                    }
                } catch (java.io.IOException closedByKill) {
                    // the stream ends with the process
                }
                verified.complete(null);
            }, "audit-crash-output");
            reader.start();
        }

        String verified(Process process, int run) throws Exception {
            String line;
            try {
                line = verified.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException hang) {
                process.destroyForcibly();
                throw new AssertionError("run " + run + ": the container did not start within " + START_TIMEOUT_SECONDS
                        + " s (killed); its last lines: " + lastLines());
            }
            if (line == null) {
                throw new AssertionError("run " + run + ": the container ended without 'VERIFIED'; its last lines: " + lastLines());
            }
            return line;
        }

        void join() throws InterruptedException {
            reader.join(30_000);
        }

        private String lastLines() {
            synchronized (otherLines) {
                return String.join("\n", otherLines);
            }
        }
    }

    /** Opens the database file directly, as the next start would (the container is dead, nothing holds it). */
    private static void assertAllPresent(Path home, Map<Long, String> acknowledged) throws Exception {
        String url = "jdbc:h2:file:" + home.resolve("data/db/carehost");
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement select = connection.prepareStatement("SELECT resource_id FROM audit_record WHERE seq = ?")) {
            for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
                select.setLong(1, ack.getKey());
                try (ResultSet row = select.executeQuery()) {
                    assertTrue("acknowledged record " + ack.getKey() + " lost", row.next());
                    assertEquals("record " + ack.getKey(), ack.getValue(), row.getString(1));
                }
            }
        }
    }
}
