package org.carehost.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What {@link HookWriter} made of each hooked class at an earlier start, kept so that a later start gives the JVM the
 * same bytes without running ASM: its first, cold run over the hooked classes (the JDK's {@code File}, streams,
 * {@code Thread}, {@code ServiceLoader}, ..., the framework's {@code Felix}) was most of what placing the hooks cost a
 * warm start (measured: benchmarks/README.md). A cached result is given only for exactly the input it was made from
 * (the class's name and the class file the JVM passes, compared byte for byte: a checksum would let a plugin craft a
 * class of a hooked class's name whose hooked bytes a later start would give the JDK's or the framework's own class)
 * and only by the agent that made it: the file names the agent's identity (checksums of the agent's own classes in
 * its jar, ASM and the hook table among them, so a rebuilt agent finds a cache of another and ignores it), and a
 * file that does not read back whole is ignored. Since the same input gives the same output, a hit changes no hook.
 *
 * <p>Only {@code java -jar carehost.jar} keeps one, in {@code data/cache/agent/hooks} of the container's folder,
 * beside the framework's bundle cache: the same trust (whoever can write there can already replace the bundles the
 * framework runs), and out of every plugin's reach as all of {@code data/cache} is. It is written only if
 * {@code data/cache} is there already (never making the container's folders), owner-only, through a file renamed into
 * place; after the agent's hooks are placed and again as the JVM exits, each time only if a class was hooked that the
 * file lacked. Written here, not taken from a library: it is a map written to one file, and nothing outside the JDK
 * can load this early.
 */
final class HookCache {

    /** The cache of {@code java -jar carehost.jar}, relative to its working directory, the container's folder. */
    static final String FILE = "data/cache/agent/hooks";

    private static final int MAGIC = 0x43484b32; // "CHK2"
    /** Sanity bound on what is read back: the hooked classes together are a few megabytes. */
    private static final int LARGEST = 64 << 20;

    private final File file;
    private final long identity;
    /** Read back at start, then only read, by every thread that loads a hooked class: never changed. */
    private final Map<String, Entry> kept;
    /**
     * Hooked during this run and missing from the file, by name (the latest of a name: at most one per hooked class,
     * however often classes of those names are loaded). Guarded by itself, as {@link #onFile} is.
     */
    private final Map<String, Entry> fresh = new HashMap<>();
    /** What the file holds: {@link #kept}, then what {@link #save} wrote. */
    private Map<String, Entry> onFile;

    private HookCache(File file, long identity, Map<String, Entry> kept) {
        this.file = file;
        this.identity = identity;
        this.kept = kept;
        this.onFile = new HashMap<>(kept);
        java.util.Arrays.equals(new byte[1], new byte[1]); // loads what a comparison needs: no class loads inside the
        // transformer
    }

    /** No cache: every class is hooked by ASM (tests' {@code -javaagent}, or an agent not run from a jar). */
    static HookCache none() {
        return new HookCache(null, 0, new HashMap<>());
    }

    /** The cache in {@code file} for the agent of this identity; empty if the file is missing, another's or broken. */
    static HookCache open(File file, long identity) {
        Map<String, Entry> kept = new HashMap<>();
        if (file.isFile() && file.length() <= LARGEST) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(file), 65536))) {
                read(in, identity, kept);
            } catch (IOException | RuntimeException broken) {
                kept.clear(); // a file cut short, or not this agent's: hook every class, and write it again
            }
        }
        return new HookCache(file, identity, kept);
    }

    private static void read(DataInputStream in, long identity, Map<String, Entry> kept) throws IOException {
        if (in.readInt() != MAGIC || in.readLong() != identity) {
            return;
        }
        int count = in.readInt();
        if (count < 0 || count > 100_000) {
            throw new IOException("a count out of bounds");
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            byte[] original = bytes(in);
            byte[] hooked = bytes(in);
            kept.put(name, new Entry(name, original, hooked));
        }
        if (in.read() != -1) {
            throw new IOException("more than the file says it holds");
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > LARGEST) {
            throw new IOException("a length out of bounds");
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return bytes;
    }

    /** What the hooks made of exactly this class file at an earlier start, or null. */
    byte[] lookup(String className, byte[] original) {
        Entry entry = kept.get(className);
        if (entry == null || !java.util.Arrays.equals(entry.original, original)) {
            return null;
        }
        return entry.hooked.clone();
    }

    /** Notes what the hooks made of a class, to be written if the file lacks it. */
    void remember(String className, byte[] original, byte[] hooked) {
        if (file == null) {
            return;
        }
        Entry entry = new Entry(className, original.clone(), hooked.clone());
        synchronized (fresh) {
            fresh.put(className, entry);
        }
    }

    /**
     * Writes the file again if a class was hooked that it lacks: every entry read back and every one hooked since, a
     * newer one of a name replacing the older. Does nothing without {@code data/cache}. A failure leaves the file as it
     * was (the next start hooks the missing classes again); it is not reported: the cache only saves time.
     */
    void save() {
        if (file == null || !file.getParentFile().getParentFile().isDirectory()) {
            return;
        }
        synchronized (fresh) {
            if (fresh.isEmpty()) {
                return;
            }
            Map<String, Entry> all = new HashMap<>(onFile);
            all.putAll(fresh);
            Path folder = file.getParentFile().toPath();
            Path temporary = folder.resolve(file.getName().concat(".new"));
            try {
                Home.ownerOnlyFolder(folder);
                Files.deleteIfExists(temporary);
                Home.ownerOnlyFile(temporary);
                try (OutputStream stream = new FileOutputStream(temporary.toFile());
                        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 65536))) {
                    write(out, all);
                }
                try {
                    Files.move(temporary, file.toPath(), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notHere) {
                    Files.move(temporary, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
                }
                onFile = all;
                fresh.clear();
            } catch (IOException | RuntimeException failed) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException | RuntimeException ignored) {
                    // the next save replaces it
                }
            }
        }
    }

    private void write(DataOutputStream out, Map<String, Entry> all) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(identity);
        out.writeInt(all.size());
        for (Entry entry : all.values()) {
            out.writeUTF(entry.name);
            out.writeInt(entry.original.length);
            out.write(entry.original);
            out.writeInt(entry.hooked.length);
            out.write(entry.hooked);
        }
    }

    /** How many classes the file holds or will hold at the next save: for tests. */
    int size() {
        synchronized (fresh) {
            Map<String, Entry> all = new HashMap<>(onFile);
            all.putAll(fresh);
            return all.size();
        }
    }

    /**
     * The agent's identity: a CRC-32 and an Adler-32 over the name, CRC-32 and size of each of its own entries in its
     * jar (read from the jar's directory, not its contents), so that an agent built differently never takes another's
     * cache.
     */
    static long identity(java.util.jar.JarFile jar) {
        CRC32 all = new CRC32();
        java.util.zip.Adler32 other = new java.util.zip.Adler32();
        java.util.Enumeration<java.util.jar.JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            java.util.jar.JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith("org/carehost/agent/")) {
                byte[] named = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                all.update(named);
                other.update(named);
                long[] facts = {entry.getCrc(), entry.getSize()};
                for (long fact : facts) {
                    for (int shift = 0; shift < 64; shift += 8) {
                        all.update((int) (fact >>> shift));
                        other.update((int) (fact >>> shift));
                    }
                }
            }
        }
        return all.getValue() << 32 | other.getValue();
    }

    private static final class Entry {
        final String name;
        final byte[] original;
        final byte[] hooked;

        Entry(String name, byte[] original, byte[] hooked) {
            this.name = name;
            this.original = original;
            this.hooked = hooked;
        }
    }

    /** Owner-only folders and files, where the file system has POSIX modes. */
    private static final class Home {
        private static boolean posix(Path path) {
            return path.getFileSystem().supportedFileAttributeViews().contains("posix");
        }

        static void ownerOnlyFolder(Path folder) throws IOException {
            if (Files.isDirectory(folder)) {
                return;
            }
            if (posix(folder)) {
                Files.createDirectory(folder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(folder);
            }
        }

        static void ownerOnlyFile(Path file) throws IOException {
            if (posix(file)) {
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        }
    }
}
