package org.carehost.audit.internal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;

/**
 * The audit write-ahead journal: a record is acknowledged once its batch is written here (one write per
 * batch, appended to a segment file), and copied into the database afterwards. A process kill cannot lose
 * what was written (it is in the operating system's hands); a record cut short by a kill was never
 * acknowledged, and its checksum marks where replay stops. Segments are deleted once the database holds
 * everything in them.
 *
 * <p>Record layout: {@code crc32-hex SP byte-length SP payload LF}, the payload being the record's canonical
 * form followed by its previous and own hash, each field length-prefixed.
 *
 * <p>Whichever caller leads a group commit writes the batch, its own records and other callers' alike, so the writes
 * must not depend on that caller's interrupt status: they go through a {@link FileOutputStream} in append mode, which an
 * interrupt neither fails nor closes (a {@code FileChannel} is closed by an interrupt of any thread in one of its
 * operations, failing the batch and every later one until a new segment), and which, like the channel opened with
 * {@code APPEND} before it, writes every batch at the file's end as it is then ({@code O_APPEND}), not at a position
 * remembered when the segment was opened. Never use the file's channel here.
 */
final class Journal implements AutoCloseable {

    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;

    private final Path directory;
    private FileOutputStream current;
    private Path currentPath;
    private long currentBytes;
    private long currentLast;
    private final List<Segment> closed = new ArrayList<>();

    private record Segment(Path path, long lastSequence) {
    }

    Journal(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    /** Every complete record in the journal, oldest first (call before the first append). */
    List<AuditRecord> replay() throws IOException {
        List<AuditRecord> records = new ArrayList<>();
        for (Path segment : segments()) {
            byte[] bytes = Files.readAllBytes(segment);
            int at = 0;
            while (at < bytes.length) {
                int space1 = indexOf(bytes, (byte) ' ', at);
                int space2 = space1 < 0 ? -1 : indexOf(bytes, (byte) ' ', space1 + 1);
                if (space2 < 0) {
                    break;
                }
                long crc;
                int length;
                try {
                    crc = Long.parseLong(new String(bytes, at, space1 - at, StandardCharsets.US_ASCII), 16);
                    length = Integer.parseInt(new String(bytes, space1 + 1, space2 - space1 - 1, StandardCharsets.US_ASCII));
                } catch (NumberFormatException torn) {
                    break;
                }
                int start = space2 + 1;
                if (length < 0 || start + length >= bytes.length || bytes[start + length] != '\n') {
                    break;
                }
                CRC32 check = new CRC32();
                check.update(bytes, start, length);
                if (check.getValue() != crc) {
                    break;
                }
                records.add(decode(new String(bytes, start, length, StandardCharsets.UTF_8)));
                at = start + length + 1;
            }
        }
        return records;
    }

    /** Appends a batch with one write; returns once the operating system has it. */
    void append(List<AuditRecord> records) throws IOException {
        append(records, records.stream().map(Chain::canonical).toList());
    }

    /** As {@link #append(List)}, given the records' canonical forms (the chain computed them already). */
    void append(List<AuditRecord> records, List<String> canonical) throws IOException {
        StringBuilder text = new StringBuilder(records.size() * 300);
        for (int i = 0; i < records.size(); i++) {
            AuditRecord record = records.get(i);
            String payload = canonical.get(i) + field(record.previousHash()) + field(record.hash());
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            text.append(Long.toHexString(crc.getValue())).append(' ').append(bytes.length).append(' ').append(payload).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (current == null || currentBytes > SEGMENT_BYTES) {
            rotate(records.get(0).sequence());
        }
        long before = currentBytes;
        try {
            current.write(bytes); // the whole array: the native write loops over partial writes
        } catch (IOException e) {
            // A batch that failed was not acknowledged: cut it off, so that what follows stays readable.
            try {
                try (RandomAccessFile cut = new RandomAccessFile(currentPath.toFile(), "rw")) {
                    cut.setLength(before); // the stream appends: its next write lands at the new end
                }
            } catch (IOException stillBroken) {
                closed.add(new Segment(currentPath, currentLast));
                try {
                    current.close();
                } catch (IOException ignored) {
                    // abandoned either way: the next batch starts a new segment
                }
                current = null;
            }
            throw e;
        }
        currentBytes += bytes.length;
        currentLast = records.get(records.size() - 1).sequence();
    }

    /** The database now holds every record up to {@code sequence}: segments entirely below it can go. */
    synchronized void indexed(long sequence) throws IOException {
        List<Segment> done = new ArrayList<>();
        for (Segment segment : closed) {
            if (segment.lastSequence <= sequence) {
                Files.deleteIfExists(segment.path);
                done.add(segment);
            }
        }
        closed.removeAll(done);
    }

    /** After a replay has been copied into the database: start from an empty journal. */
    void clear() throws IOException {
        close();
        for (Path segment : segments()) {
            Files.delete(segment);
        }
        closed.clear();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private synchronized void rotate(long firstSequence) throws IOException {
        if (current != null) {
            current.close();
            closed.add(new Segment(currentPath, currentLast));
        }
        currentPath = directory.resolve(String.format("segment-%020d.log", firstSequence));
        if (Files.exists(currentPath) && Files.size(currentPath) > 0) {
            // A segment named after the record to write next holds a batch a kill tore before any record of it was
            // acknowledged: its first record would otherwise have been restored, and the head be past it. Appending
            // after the torn bytes would make every record written now unreadable at the next replay (which stops
            // at the first torn record of a segment). Kept aside, out of the replay, for inspection.
            Files.move(currentPath, directory.resolve("torn-" + currentPath.getFileName() + "." + System.nanoTime()));
        }
        current = new FileOutputStream(currentPath.toFile(), true);
        currentBytes = Files.size(currentPath);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    private static String field(String value) {
        return value == null ? "-;" : value.length() + ":" + value + ";";
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length && i < from + 32; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Reads back what {@link #append} wrote: the canonical fields, then the two hashes. */
    static AuditRecord decode(String payload) {
        List<String> fields = new ArrayList<>(17);
        int at = 0;
        while (at < payload.length()) {
            if (payload.startsWith("-;", at)) {
                fields.add(null);
                at += 2;
                continue;
            }
            int colon = payload.indexOf(':', at);
            int length = Integer.parseInt(payload.substring(at, colon));
            fields.add(payload.substring(colon + 1, colon + 1 + length));
            at = colon + 1 + length + 1;
        }
        // 15 canonical fields, then (with a care context) the marker and its 4 fields, then the two hashes.
        boolean context = fields.size() == 22;
        int hashes = context ? 20 : 15;
        return new AuditRecord(Long.parseLong(fields.get(0)), Instant.ofEpochMilli(Long.parseLong(fields.get(1))),
                fields.get(2), fields.get(3), fields.get(4), fields.get(5), fields.get(6),
                context ? fields.get(16) : null, context ? fields.get(17) : null, context ? fields.get(18) : null,
                context ? fields.get(19) : null, AuditAction.ofCode(fields.get(7)),
                fields.get(8), fields.get(9), fields.get(10), fields.get(11), fields.get(12),
                AuditOutcome.valueOf(fields.get(13)), fields.get(14), fields.get(hashes), fields.get(hashes + 1));
    }
}
