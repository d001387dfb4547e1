package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.carehost.audit.internal.TestRecords.chain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void whatIsAppendedIsReplayedExactly() throws IOException {
        List<AuditRecord> records = chain(1, 50, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            journal.append(records.subList(0, 20));
            journal.append(records.subList(20, 50));
        }
        try (Journal journal = new Journal(dir)) {
            assertEquals(records, journal.replay());
        }
    }

    @Test
    void recordsWrittenAfterAKillToreTheFirstBatchOfASegmentAreReplayed() throws IOException {
        List<AuditRecord> records = chain(1, 30, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            journal.append(records.subList(0, 10));
        }
        // the next run's first batch (records 11..) torn by a kill inside its first record, in the segment named after 11
        Path torn = dir.resolve(String.format("segment-%020d.log", 11));
        try (Journal scratch = new Journal(Files.createDirectories(dir.resolve("scratch")))) {
            scratch.append(records.subList(10, 20));
        }
        byte[] whole = Files.readAllBytes(dir.resolve("scratch").resolve(torn.getFileName()));
        Files.write(torn, java.util.Arrays.copyOf(whole, 40));
        deleteRecursively(dir.resolve("scratch"));
        try (Journal journal = new Journal(dir)) {
            assertEquals(records.subList(0, 10), journal.replay(), "the torn batch was never acknowledged");
            journal.append(records.subList(10, 30)); // the run after the kill goes on from 11
        }
        try (Journal journal = new Journal(dir)) {
            assertEquals(records, journal.replay(), "what was written after the torn batch is read back");
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void recordsWithACareContextAreReplayedExactlyAndItsFieldsAreInTheHash() throws IOException {
        AuditRecord withContext = new AuditRecord(1, Instant.ofEpochMilli(1_700_000_000_000L), "node-1", "org.example.plugin",
                "1.0.0", "dr.lee", "ETREAT", "hospital-a", "nurse,physician", "c0ffee", "cardiac; arrest", AuditAction.READ,
                "PatientService.get", "Patient", "p-1", "p-1", null, AuditOutcome.SUCCESS, null, Chain.GENESIS, null);
        String hash = Chain.hash(Chain.GENESIS, withContext);
        AuditRecord hashed = new AuditRecord(1, withContext.recorded(), "node-1", "org.example.plugin", "1.0.0", "dr.lee",
                "ETREAT", "hospital-a", "nurse,physician", "c0ffee", "cardiac; arrest", AuditAction.READ,
                "PatientService.get", "Patient", "p-1", "p-1", null, AuditOutcome.SUCCESS, null, Chain.GENESIS, hash);
        List<AuditRecord> records = new ArrayList<>(List.of(hashed));
        records.addAll(chain(2, 3, hash));
        try (Journal journal = new Journal(dir)) {
            journal.append(records);
        }
        try (Journal journal = new Journal(dir)) {
            assertEquals(records, journal.replay());
        }
        AuditRecord otherTenant = new AuditRecord(1, withContext.recorded(), "node-1", "org.example.plugin", "1.0.0",
                "dr.lee", "ETREAT", "hospital-b", "nurse,physician", "c0ffee", "cardiac; arrest", AuditAction.READ,
                "PatientService.get", "Patient", "p-1", "p-1", null, AuditOutcome.SUCCESS, null, Chain.GENESIS, null);
        org.junit.jupiter.api.Assertions.assertNotEquals(hash, Chain.hash(Chain.GENESIS, otherTenant),
                "a changed tenant changes the hash");
    }

    @Test
    void aRecordTornByAKillEndsTheReplayThere() throws IOException {
        List<AuditRecord> records = chain(1, 10, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            journal.append(records);
        }
        Path segment = Files.list(dir).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        try (Journal journal = new Journal(dir)) {
            assertEquals(records.subList(0, 9), journal.replay());
        }
        Files.write(segment, "garbage that is not a record\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (Journal journal = new Journal(dir)) {
            assertEquals(9, journal.replay().size());
        }
    }

    @Test
    void aCallerWithItsInterruptSetAppendsAndTheJournalStaysOpenForTheNext() throws IOException {
        // The leader of a group commit writes other callers' records: its interrupt must not fail them, nor close the
        // segment under the callers after it (a FileChannel did both: ClosedByInterruptException, then a new segment).
        List<AuditRecord> records = chain(1, 20, Chain.GENESIS);
        try (Journal journal = new Journal(dir)) {
            Thread.currentThread().interrupt();
            try {
                journal.append(records.subList(0, 10));
            } finally {
                org.junit.jupiter.api.Assertions.assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
            }
            journal.append(records.subList(10, 20));
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "one segment: the first stayed open");
        }
        try (Journal journal = new Journal(dir)) {
            assertEquals(records, journal.replay());
        }
    }

    @Test
    void aFullDiskFailsTheAppend() throws IOException {
        // /dev/full (Linux) answers every write with ENOSPC: a full disk.
        Files.createSymbolicLink(dir.resolve(String.format("segment-%020d.log", 1)), Paths.get("/dev/full"));
        try (Journal journal = new Journal(dir)) {
            assertThrows(IOException.class, () -> journal.append(chain(1, 3, Chain.GENESIS)));
        }
    }
}
