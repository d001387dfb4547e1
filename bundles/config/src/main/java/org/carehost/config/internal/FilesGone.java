package org.carehost.config.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Which configurations the deploy watcher made from a file that is gone: FileInstall names a configuration's file in
 * {@value #FILENAME} (a {@code file:} URI) and deletes the configuration when it sees the file deleted, but a file
 * deleted while the container was stopped is never seen deleted, so its configuration stayed in Config Admin's store
 * (a catalog removed from {@code etc/} was still listed at every start, a listener kept a port its file no longer named).
 * The rule, one place: a configuration whose {@value #FILENAME} is a {@code file:} URI of a file that does not exist.
 * A value that is not such a URI (written by other means) is never taken for gone.
 */
final class FilesGone {

    static final String FILENAME = "felix.fileinstall.filename";

    private FilesGone() {
    }

    /** The file a configuration was made from, if {@code value} names one as FileInstall does. */
    static Optional<Path> fileOf(Object value) {
        if (!(value instanceof String) || !((String) value).startsWith("file:")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Paths.get(new URI((String) value)));
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code value} (a configuration's {@value #FILENAME}) names a file, in one of the {@code watched} folders,
     * that is known not to exist (a file that cannot be checked, an unreadable folder say, is not gone; nor one
     * elsewhere, as after the home was moved or restored: the deploy watcher takes those over from the files it finds).
     */
    static boolean gone(Object value, java.util.List<Path> watched) {
        Optional<Path> file = fileOf(value);
        if (file.isEmpty()) {
            return false;
        }
        Path path = file.get().toAbsolutePath().normalize();
        return watched.stream().anyMatch(folder -> path.getParent() != null
                && path.getParent().equals(folder.toAbsolutePath().normalize())) && Files.notExists(path);
    }

    /** The folders the deploy watcher reads, from its comma-separated {@code felix.fileinstall.dir}. */
    static java.util.List<Path> watched(String folders) {
        java.util.List<Path> paths = new java.util.ArrayList<>();
        if (folders != null) {
            for (String folder : folders.split(",")) {
                if (!folder.isBlank()) {
                    paths.add(java.nio.file.Paths.get(folder.strip()));
                }
            }
        }
        return paths;
    }
}
