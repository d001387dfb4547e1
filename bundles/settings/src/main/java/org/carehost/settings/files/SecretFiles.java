package org.carehost.settings.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * How the container writes a secret file (the PHI data keys, the audit-signing key): never readable by others, not
 * even for a moment, whatever the process umask, and never half-written.
 */
public final class SecretFiles {

    private SecretFiles() {
    }

    /**
     * Replaces {@code file} atomically with {@code text}, readable by the owner only: the text goes into a temporary
     * file in the same folder made {@code rw-------} before anything is in it, forced to disk, then moved over
     * {@code file} (the rename keeps the permissions). A crash leaves the old file or the new one, never a part. A
     * folder that does not exist is made {@code rwx------}.
     */
    public static void write(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                ownerOnly(dir, "rwx------");
            }
            Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                ownerOnly(temp, "rw-------"); // before the key is in it; the rename keeps the permissions
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be written: " + e.getMessage(), e);
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows and the like: the directory's ACL applies.
        }
    }

    /** Makes the rename itself durable where the platform allows a directory to be forced (not on Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file itself is on disk; only the rename may be lost on a power failure.
        }
    }
}
