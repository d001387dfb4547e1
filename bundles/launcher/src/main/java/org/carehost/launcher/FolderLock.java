package org.carehost.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One container per folder. Two in the same folder would share the database (the second met it locked and took that
 * for a crash: an ERROR line every 30 s), the audit journal, the bundle cache and the listeners' ports. The first to
 * start holds an exclusive lock on {@code data/carehost.lock} (an operating-system lock, so a container that was killed
 * holds it no more) and writes its process id there; a second one is refused before it changes anything, with the
 * first one's process id. The framework's own cache lock did not stop the second one (it was seen running).
 */
final class FolderLock implements AutoCloseable {

    /** The lock file, in {@code data/}. */
    static final String FILE = "carehost.lock";

    /** Set to the lock file's path once this JVM holds it (a JVM-wide fact, as the lock is). */
    private static final String HELD = "carehost.folder.lock";

    /** The exit status of a container refused because another one runs in its folder. */
    static final int STATUS = 2;

    /** Null when this JVM held the lock already (the framework restarted in it): then the first one keeps it. */
    private final FileChannel channel;

    private FolderLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the folder's lock, or returns null when another process holds it, after printing one line saying so.
     *
     * @param data the container's {@code data/} folder (it exists)
     */
    static FolderLock take(Path data) throws IOException {
        Path file = data.resolve(FILE);
        if (file.toString().equals(System.getProperty(HELD))) {
            // this JVM holds it already (the framework restarted in it): opening and closing the file again would let
            // go of the lock, which on Linux is the process's and ends with any of its descriptors on the file
            return new FolderLock(null);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String holder;
            try {
                holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
            } catch (IOException unreadable) {
                holder = ""; // the refusal matters, not its process id
            }
            System.err.println("carehost: another Carehost is running in this folder (" + data.getParent()
                    + (holder.isEmpty() ? "" : ", process " + holder) + "): stop it first, or start this one in another"
                    + " folder; nothing was changed");
            return null;
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
                0);
        channel.force(false);
        System.setProperty(HELD, file.toString());
        return new FolderLock(channel);
    }

    /** Lets go of the folder (the process's exit does too). */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            System.clearProperty(HELD);
            channel.close();
        }
    }
}
