package org.carehost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The container's working directory: {@code deploy/} (watched for plugins), {@code etc/} (plain,
 * commented configuration an operator edits) and {@code data/} (framework cache and state). Missing
 * folders are created and missing {@code etc/} files get their commented defaults. A default an earlier version
 * wrote and the operator never edited (byte for byte one of the digests in {@code etc/earlier-defaults}) is replaced
 * by this version's, so that an upgraded folder gets, say, the interactive banner; an operator's own files are never
 * overwritten.
 */
final class Home {

    static final List<String> ETC_DEFAULTS = List.of("logback.xml", "gosh_profile", "README");

    /** The exit status when the working directory cannot be laid out: nothing was started. */
    static final int STATUS = 5;

    private final Path root;

    Home(Path root) {
        this.root = root;
    }

    void layOut() {
        try {
            ownerOnly(root.resolve("deploy"));
            Path data = ownerOnly(root.resolve("data"));
            if (launcherMade(data)) {
                // the framework's launcher made data/cache (and so data/) before this hook ran, with the umask's modes:
                // whether or not etc/ was there already (an operator may configure a folder before its first start)
                restrict(data);
            }
            Path etc = ownerOnly(root.resolve("etc"));
            for (String name : ETC_DEFAULTS) {
                Path target = etc.resolve(name);
                if (!Files.exists(target) || isEarlierDefault(name, target)) {
                    writeDefault(name, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(unusable(root, e), e);
        }
    }

    /** One line saying why the working directory cannot be used, and what to do. */
    static String unusable(Path root, IOException e) {
        String why = e instanceof java.nio.file.NotDirectoryException || e instanceof java.nio.file.AccessDeniedException
                || e instanceof java.nio.file.FileAlreadyExistsException ? e.getMessage() : e.toString();
        return "carehost: cannot use the folder " + root + " (" + why + "): Carehost keeps its configuration in etc/, "
                + "its plugins in deploy/ and its data in data/, each a folder it can write; move what is in the way, "
                + "or start it in a folder of its own. Nothing was started (exit status " + STATUS + ")";
    }

    /**
     * Creates a folder readable, writable and searchable by its owner only (on a POSIX file system), whatever the umask:
     * {@code data/} holds the database, the audit archives and the logs, {@code etc/} the configuration (any
     * {@code .cfg} there becomes one), {@code deploy/} the code that runs. A folder already there is left as it is: its
     * modes are the operator's.
     */
    static Path ownerOnly(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        if (Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NotDirectoryException(folder.getFileName() + " is a file, not a folder");
        }
        Files.createDirectories(folder.getParent() == null ? folder : folder.getParent());
        if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createDirectories(folder);
        }
        try {
            return Files.createDirectory(folder, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(folder)) {
                throw new java.nio.file.NotDirectoryException(folder.getFileName() + " is a file, not a folder");
            }
            return folder;
        }
    }

    /** Whether {@code data} holds nothing but the framework cache (and the folder's lock) the launcher made. */
    private static boolean launcherMade(Path data) throws IOException {
        try (java.util.stream.Stream<Path> entries = Files.list(data)) {
            return entries.allMatch(entry -> entry.getFileName().toString().equals("cache")
                    || entry.getFileName().toString().equals(FolderLock.FILE));
        }
    }

    private static void restrict(Path folder) throws IOException {
        if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Whether the file is, byte for byte, a default an earlier version wrote (not the operator's own). */
    static boolean isEarlierDefault(String name, Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) > 1 << 20) {
            return false;
        }
        String digest;
        try {
            digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Home.class.getResourceAsStream("etc/earlier-defaults")) {
            if (in == null) {
                return false;
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] words = line.strip().split("\\s+");
                if (words.length == 2 && words[0].equals(name) && words[1].equalsIgnoreCase(digest)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void writeDefault(String name, Path target) throws IOException {
        try (InputStream in = Home.class.getResourceAsStream("etc/" + name)) {
            if (in == null) {
                throw new IOException("default etc/" + name + " is missing from the launcher jar");
            }
            // Write beside the target and rename, so a crash never leaves a half-written config file.
            Path partial = target.resolveSibling("." + name + ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
