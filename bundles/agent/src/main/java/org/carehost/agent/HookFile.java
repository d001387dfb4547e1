package org.carehost.agent;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The file {@link HookCache} keeps, {@code data/cache/agent/hooks}: its format, and how it is read and written. The
 * magic number and the agent's identity, then per class name its class files and what the hooks made of each, then a
 * CRC-32 of all before it. Read whole with {@code java.io} (loaded before the agent at every start: a hooked class first
 * loaded here, as {@code FileChannelImpl} would be, is retransformed, and the JVM hands a class it retransforms over as
 * it rebuilt it, which would not match what a start that did not read the file kept), and used only if the checksum,
 * the structure and the identity hold, and neither the file nor its folder is a link or writable by group or others.
 * Written into a temporary file of its own in the folder (owner-only), forced to disk, then renamed into place and the
 * folder forced.
 */
final class HookFile {

    private static final int MAGIC = 0x43484b33; // "CHK3"
    /** What is read back at most: the hooked classes together are a few megabytes. */
    static final int LARGEST = 64 << 20;
    /** The most class files a name keeps. */
    static final int PER_NAME = 3;

    private HookFile() {
    }

    /** What {@code file} holds for the agent of this identity; empty if it is missing, another's, broken or unsafe. */
    static Map<String, Entry[]> read(Path file, long identity) {
        Map<String, Entry[]> kept = new HashMap<>();
        try {
            if (safe(file.getParent()) && safe(file) && Files.size(file) <= LARGEST) {
                readInto(file, identity, kept);
            }
        } catch (Throwable broken) { // cut short, damaged, too large for this heap: every class is hooked again
            kept.clear();
        }
        return kept;
    }

    /**
     * Writes {@code all} to {@code file} (its folder made owner-only if missing); false, and nothing changed, when the
     * folder is not safe.
     */
    static boolean write(Path file, long identity, Map<String, List<Entry>> all) throws IOException {
        Path folder = file.getParent();
        ownerOnlyFolder(folder);
        if (!safe(folder)) {
            return false;
        }
        Path temporary = Files.createTempFile(folder, "hooks", ".new"); // owner-only where there are POSIX modes
        try {
            writeTo(temporary, identity, all);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException notHere) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            force(folder);
            return true;
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * Whether a folder or file of the cache is the container's alone: not a link, not writable by group or others
     * (where the file system has POSIX modes). A missing one is safe (it is made owner-only).
     */
    static boolean safe(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (Files.isSymbolicLink(path)) {
            return false;
        }
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return true;
        }
        java.util.Set<PosixFilePermission> modes = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return !modes.contains(PosixFilePermission.GROUP_WRITE) && !modes.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static void readInto(Path file, long identity, Map<String, Entry[]> kept) throws IOException {
        // java.io, loaded before the agent at every start: a hooked class first loaded here (FileChannelImpl) would be
        // retransformed, and the JVM gives a class it retransforms as it rebuilt it, not as its file has it, so it would
        // not match what a start that did not read the cache kept
        byte[] all;
        try (InputStream in = new java.io.FileInputStream(file.toFile())) {
            all = in.readNBytes(LARGEST + 1);
        }
        if (all.length < 8 || all.length > LARGEST) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
            return; // damaged: not one byte of it is used
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
        if (in.readInt() != MAGIC || in.readLong() != identity) {
            return;
        }
        int names = in.readInt();
        if (names < 0 || names > 100_000) {
            throw new IOException("a count out of bounds");
        }
        for (int i = 0; i < names; i++) {
            String name = in.readUTF();
            int count = in.readInt();
            if (count < 1 || count > PER_NAME) {
                throw new IOException("a count out of bounds");
            }
            Entry[] entries = new Entry[count];
            for (int j = 0; j < count; j++) {
                entries[j] = new Entry(name, bytes(in), bytes(in));
            }
            kept.put(name, entries);
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

    private static void writeTo(Path temporary, long identity, Map<String, List<Entry>> all) throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            CRC32 crc = new CRC32();
            OutputStream checked = new java.util.zip.CheckedOutputStream(Channels.newOutputStream(channel), crc) {
                @Override
                public void close() {
                    // the channel is closed by its own try, after it is forced
                }
            };
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 65536));
            out.writeInt(MAGIC);
            out.writeLong(identity);
            out.writeInt(all.size());
            for (Map.Entry<String, List<Entry>> named : all.entrySet()) {
                out.writeUTF(named.getKey());
                out.writeInt(named.getValue().size());
                for (Entry entry : named.getValue()) {
                    out.writeInt(entry.original.length);
                    out.write(entry.original);
                    out.writeInt(entry.hooked.length);
                    out.write(entry.hooked);
                }
            }
            out.flush();
            ByteBuffer sum = ByteBuffer.allocate(8).putLong(0, crc.getValue());
            while (sum.hasRemaining()) {
                channel.write(sum);
            }
            channel.force(true);
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

    private static void ownerOnlyFolder(Path folder) throws IOException {
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectory(folder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(folder);
        }
    }

    /** Forces a folder's entries (the rename) to disk where the platform can; elsewhere the rename stands alone. */
    private static void force(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException notHere) {
            // not every platform opens a folder
        }
    }

    static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException | RuntimeException ignored) {
            // the next start finds it, and ignores it if it is not whole
        }
    }

    /** One class file and what the hooks made of it. Object's equals: two notes of the same class are two entries. */
    static final class Entry {
        final String name;
        final byte[] original;
        final byte[] hooked;

        Entry(String name, byte[] original, byte[] hooked) {
            this.name = name;
            this.original = original;
            this.hooked = hooked;
        }
    }
}
