package org.carehost.security.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.carehost.security.Permission;
import org.objectweb.asm.ClassReader;

/**
 * Reads every class of a plugin, and of the jars inside it (to any depth up to {@link #MAX_DEPTH}), and lists
 * the guarded APIs it reaches: calls, field accesses, method references and constants in invokedynamic,
 * superclasses and interfaces, and native methods. It reads bytecode (ASM), so it sees what the JVM will run,
 * whatever the source language; what it cannot see is code that does not exist yet, which is why the APIs
 * that build or load code by name are themselves guarded (use:reflection).
 */
final class ApiScanner {

    static final int MAX_DEPTH = 3;
    static final long MAX_BYTES = 256L * 1024 * 1024;
    static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;
    static final int MAX_EVIDENCE = 3;

    /** What a scan found: per permission and for forbidden APIs, up to three places each. */
    record Findings(Map<Permission, List<String>> needs, List<String> forbidden, String problem) {

        boolean clean() {
            return needs.isEmpty() && forbidden.isEmpty() && problem == null;
        }
    }

    private final ApiRules rules;
    private final Path scratchDir;

    /** {@code scratchDir}: where embedded jars are unpacked to be read as the framework reads them (ZipFile). */
    ApiScanner(ApiRules rules, Path scratchDir) {
        this.rules = rules;
        this.scratchDir = scratchDir;
    }

    /**
     * Scans every class, and every entry that is a zip archive whatever its name (a Bundle-ClassPath entry may be
     * called lib/x.bin). Anything that cannot be read completely is a problem, never a pass.
     */
    Findings scan(BundleEntries entries) {
        ApiUses collector = new ApiUses(rules);
        try {
            for (String path : entries.files()) {
                boolean archiveByItsEnd;
                try (InputStream in = entries.open(path)) {
                    archiveByItsEnd = in != null && scanEntry(path, in, 0, collector);
                }
                if (archiveByItsEnd) {
                    try (InputStream in = entries.open(path)) {
                        if (in != null) {
                            scanAsArchive(path, in, new byte[0], 0, collector, true);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            collector.problem = "its classes cannot be checked (" + e + ")";
        }
        return collector.findings();
    }

    /**
     * Scans one entry: a class, or an archive starting with a local header. Answers whether it is a top-level entry
     * that does not start as an archive but ends as one (an end-of-central-directory record in its last 64 KiB): the
     * framework opens a Bundle-ClassPath entry with {@link ZipFile}, which finds an archive from its end, so a jar
     * behind a prefix (a shell stub, say) is a class path archive to the framework; the caller then scans it as one.
     */
    private boolean scanEntry(String path, InputStream in, int depth, ApiUses collector) throws IOException {
        if (path.endsWith(".class")) {
            byte[] bytes = read(in, MAX_CLASS_BYTES, collector);
            try {
                new ClassReader(bytes).accept(new ApiClassScan(collector), ClassReader.SKIP_FRAMES);
            } catch (RuntimeException unreadable) {
                throw new IOException(path + " is not a class file the scanner can read: " + unreadable, unreadable);
            }
            return false;
        }
        byte[] head = in.readNBytes(4);
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            return depth == 0 && head.length == 4 && endsAsArchive(head, in, collector); // else a resource
        }
        scanAsArchive(path, in, head, depth, collector, false);
        return false;
    }

    /** The longest an archive's end record may be from its end: the record (22 bytes) and its comment (64 KiB). */
    private static final int END_REACH = 22 + 0xFFFF;

    /**
     * Whether the stream, after its first bytes {@code head}, ends with an end-of-central-directory record. Every
     * byte read counts towards {@link #MAX_BYTES}, as a class's or an archive's do: a plugin of huge resources is
     * refused, not read to its end however large.
     */
    private static boolean endsAsArchive(byte[] head, InputStream in, ApiUses collector) throws IOException {
        // Grown as bytes come, up to END_REACH: most resources are small, and zeroing 64 KiB for each showed in profiles
        byte[] tail = new byte[Math.min(END_REACH, 1024)];
        int size = 0;
        System.arraycopy(head, 0, tail, 0, head.length);
        size = head.length;
        collector.bytes += head.length;
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            collector.bytes += n;
            if (collector.bytes > MAX_BYTES) {
                throw new IOException("more than " + (MAX_BYTES >> 20) + " MiB to check");
            }
            if (size + n > tail.length && tail.length < END_REACH) {
                tail = java.util.Arrays.copyOf(tail, Math.min(END_REACH, Math.max(2 * tail.length, size + n)));
            }
            if (size + n > tail.length) { // keep the last END_REACH bytes
                int drop = size + n - tail.length;
                System.arraycopy(tail, drop, tail, 0, size - drop);
                size -= drop;
            }
            System.arraycopy(buffer, 0, tail, size, n);
            size += n;
        }
        for (int i = size - 22; i >= 0; i--) {
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the archive (after its first bytes {@code head}) to the scratch folder and scans it there. Found by its
     * end only, an entry {@link ZipFile} cannot open is no archive to the framework either: a resource.
     */
    private void scanAsArchive(String path, InputStream in, byte[] head, int depth, ApiUses collector,
            boolean byItsEnd) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new IOException(path + " nests archives deeper than " + MAX_DEPTH);
        }
        Files.createDirectories(scratchDir);
        Path copy = Files.createTempFile(scratchDir, "embedded", ".jar");
        try {
            try (OutputStream out = Files.newOutputStream(copy)) {
                out.write(head);
                copy(in, out, collector);
            }
            if (!byItsEnd || opens(copy)) {
                scanArchive(path, copy, depth, collector);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Reads the archive as the framework does (its central directory) and refuses one its local headers contradict. */
    private static boolean opens(Path archive) {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            return true;
        } catch (IOException notAnArchive) {
            return false;
        }
    }

    private void scanArchive(String path, Path archive, int depth, ApiUses collector) throws IOException {
        Set<String> central = new LinkedHashSet<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                central.add(entry.getName());
                if (!entry.isDirectory()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        scanEntry(path + "!/" + entry.getName(), in, depth + 1, collector);
                    }
                }
            }
        } catch (ZipException e) {
            throw new IOException(path + " is not a readable archive: " + e.getMessage(), e);
        }
        Set<String> local = new LinkedHashSet<>();
        try (ZipInputStream stream = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry = stream.getNextEntry(); entry != null; entry = stream.getNextEntry()) {
                local.add(entry.getName());
            }
        }
        if (!local.equals(central)) {
            throw new IOException(path + " is malformed: its entries and its directory disagree");
        }
    }

    private static byte[] read(InputStream in, int max, ApiUses collector) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, collector);
        if (out.size() > max) {
            throw new IOException("a class of more than " + (max >> 20) + " MiB");
        }
        return out.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, ApiUses collector) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            collector.bytes += n;
            if (collector.bytes > MAX_BYTES) {
                throw new IOException("more than " + (MAX_BYTES >> 20) + " MiB to check");
            }
            out.write(buffer, 0, n);
        }
    }
}
