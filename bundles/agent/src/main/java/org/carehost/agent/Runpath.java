package org.carehost.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The jars bnd's launcher runs the framework from (the launcher bundle, Felix, bnd's launcher), unpacked into the
 * container's own folder, {@code data/cache/runpath/}, and named to bnd's launcher with {@code launcher.runpath}.
 * bnd's embedded launcher would otherwise copy them, at every start, to new temporary files in {@code java.io.tmpdir}
 * that only a normal exit deletes: each {@code kill -9}, crash or stop that had to halt the JVM left three files, about
 * 1.2 MB, in {@code /tmp} for good (2,883 of them, 1.2 GB, on the build machine after a few days of tests).
 *
 * <p>The build renames carehost.jar's {@code Embedded-Runpath} to {@value #ATTRIBUTE}, so that bnd's launcher finds no
 * run path of its own to unpack and takes the one this names. Each jar is written only when the file there does not
 * have its bytes already (compared byte for byte at every start, so a file cut short by a crash, or of an earlier
 * version, is written again), into a file of this process's own beside it that is then renamed into place: a container
 * still running from the old file keeps reading it. The names are relative to the container's folder (the working
 * directory): bnd's launcher splits the run path at commas, which a folder's name may contain. {@code data/cache} is
 * the container's, out of every plugin's reach, and holds the bundles the framework runs: the same trust. Folders made
 * here are the owner's only, as the launcher bundle makes the container's folders.
 *
 * <p>Runs in {@code agentmain}, before {@code main}: no lambda and no string concatenation (each would spin classes
 * before {@code main}). Written here, not taken from a library: it is a copy of three files, and nothing outside the
 * JDK can load this early.
 */
final class Runpath {

    /** The manifest attribute of carehost.jar that lists the run path's entries (the build's rename of bnd's). */
    static final String ATTRIBUTE = "Carehost-Runpath";
    /** Where they are unpacked, relative to the container's folder. */
    static final String FOLDER = "data/cache/runpath";
    /** The system property bnd's embedded launcher takes a run path from when its jar names none. */
    static final String PROPERTY = "launcher.runpath";

    private static final String PART = ".part";

    private Runpath() {
    }

    /**
     * Unpacks the run path {@code jar}'s manifest names into {@code root}'s {@value #FOLDER} and sets
     * {@value #PROPERTY}. Nothing when the property is set already (a run path given on the command line) or the jar
     * names none (a jar built before the rename: bnd's launcher then unpacks its own).
     *
     * @return null when done, else one line saying what failed
     */
    static String prepare(JarFile jar, Path root) {
        String entries;
        java.util.jar.Manifest manifest;
        try {
            manifest = jar.getManifest();
            entries = manifest == null ? null : manifest.getMainAttributes().getValue(ATTRIBUTE);
        } catch (IOException unreadable) {
            return problem(root, "its manifest cannot be read: ".concat(String.valueOf(unreadable.getMessage())));
        }
        if (entries == null || System.getProperty(PROPERTY) != null) {
            return null;
        }
        Path folder = root.resolve(FOLDER);
        StringBuilder runpath = new StringBuilder();
        try {
            ownerOnlyFolders(root, folder);
            removeStaleParts(folder);
            for (String name : entries.split(",")) {
                String entryName = name.strip();
                if (entryName.isEmpty()) {
                    continue;
                }
                ZipEntry entry = jar.getEntry(entryName);
                if (entry == null) {
                    return problem(root, "carehost.jar lacks ".concat(entryName).concat(", which its manifest names"));
                }
                String fileName = entryName.substring(entryName.lastIndexOf('/') + 1);
                Path target = folder.resolve(fileName);
                if (!same(jar, entry, target)) {
                    write(jar, entry, folder, target);
                }
                if (runpath.length() > 0) {
                    runpath.append(',');
                }
                runpath.append(FOLDER).append('/').append(fileName);
            }
        } catch (IOException e) {
            return problem(root, String.valueOf(e));
        }
        System.setProperty(PROPERTY, runpath.toString());
        giveTheLauncherItsDigests(manifest);
        return null;
    }

    /**
     * bnd's launcher tells an embedded bundle already installed from a changed one by the digest carehost.jar's manifest
     * lists for it ({@code EmbeddedLauncher.MANIFEST}, which its embedded launcher sets only when it unpacks a run path
     * of its own); without it, it hashed every embedded bundle, about 35 MB, at every start (a warm start took about
     * 0.5 s and 0.7 s of CPU more, measured side by side). The same manifest, read from the same jar, is given here.
     * Should bnd's launcher lack the field, only that cost is lost.
     */
    private static void giveTheLauncherItsDigests(java.util.jar.Manifest manifest) {
        try {
            java.lang.reflect.Field field = Class.forName("aQute.launcher.pre.EmbeddedLauncher", true,
                    Runpath.class.getClassLoader()).getField("MANIFEST");
            if (field.get(null) == null) {
                field.set(null, manifest);
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException absent) {
            // a launcher without the field: it computes the digests itself
        }
    }

    /** {@code data}, {@code data/cache} and the run path's folder, each made owner-only if this made it. */
    private static void ownerOnlyFolders(Path root, Path folder) throws IOException {
        Path data = root.resolve("data");
        Path cache = data.resolve("cache");
        for (Path path : new Path[] {data, cache, folder}) {
            if (!Files.isDirectory(path)) { // an operator's link to another disk is followed
                Files.createDirectory(path);
                if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                }
            }
        }
    }

    /** Whether {@code target} is a plain file with the entry's bytes. */
    private static boolean same(JarFile jar, ZipEntry entry, Path target) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                || (entry.getSize() >= 0 && Files.size(target) != entry.getSize())) {
            return false;
        }
        byte[] expected = new byte[1 << 16];
        byte[] found = new byte[1 << 16];
        try (InputStream in = jar.getInputStream(entry); InputStream file = Files.newInputStream(target)) {
            while (true) {
                int n = in.readNBytes(expected, 0, expected.length);
                int m = file.readNBytes(found, 0, n == 0 ? 1 : n);
                if (n != m) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
                if (!java.util.Arrays.equals(expected, 0, n, found, 0, m)) {
                    return false;
                }
            }
        }
    }

    /** Writes the entry into a file of this process's own beside {@code target}, then renames it into place. */
    private static void write(JarFile jar, ZipEntry entry, Path folder, Path target) throws IOException {
        Path part = folder.resolve(target.getFileName().toString().concat(".")
                .concat(Long.toString(ProcessHandle.current().pid())).concat(PART));
        try (InputStream in = jar.getInputStream(entry);
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the part files of processes that are gone (one killed while it wrote): never a live one's. */
    private static void removeStaleParts(Path folder) throws IOException {
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.endsWith(PART)) {
                    continue;
                }
                String withoutPart = name.substring(0, name.length() - PART.length());
                try {
                    long pid = Long.parseLong(withoutPart.substring(withoutPart.lastIndexOf('.') + 1));
                    if (ProcessHandle.of(pid).isPresent()) {
                        continue;
                    }
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                Files.deleteIfExists(file);
            }
        }
    }

    private static String problem(Path root, String why) {
        return new StringBuilder("carehost: cannot unpack the framework into ").append(root.resolve(FOLDER))
                .append(" (").append(why).append("): free some disk space, or start it in a folder of its own that it ")
                .append("can write. Nothing was started (exit status ").append(WorkingFolder.STATUS).append(')')
                .toString();
    }
}
