package org.carehost.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.carehost.catalog.CatalogException;
import org.osgi.framework.Version;

/**
 * The jars the catalog installed, kept by content in {@code data/catalog/artifacts/} ({@code
 * carehost.catalog.artifacts}): downloaded once, checked against the SHA-256 and signer the index names, and kept so
 * that a failed update can put the previous version back from the very bytes it ran.
 * <p>
 * What is kept: for each plugin installed from a catalog, the jar of the version it runs and the jar of the version
 * it ran before (what a rollback needs); {@link #prune} deletes every other jar. Which version ran last is read from
 * the files themselves: a jar's modification time is set when its version becomes the running one ({@link
 * #running}); a download that never ran keeps the epoch, so a failed update's jar is never taken for the previous
 * version. Installs and updates hold {@link #lock()} from the download until the plugin manager is done, and a prune
 * takes it too, so a prune never deletes a jar that is about to be installed.
 */
final class Artifacts {

    static final String FOLDER_PROPERTY = "carehost.catalog.artifacts";

    /** {@code <symbolic name>-<version>-<16 hex digits of the SHA-256>.jar}, as {@link #fetch} names a jar. */
    private static final Pattern NAME = Pattern.compile("(.+)-([0-9a-f]{16})\\.jar");

    private final Path folder;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    Artifacts(String configured, Clock clock) {
        this.folder = Paths.get(configured == null || configured.isBlank() ? "data/catalog/artifacts" : configured)
                .toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Held by an install or update from its first download to its end, and by a prune. */
    ReentrantLock lock() {
        return lock;
    }

    /** One installed catalog plugin: what {@link #prune} keeps the jars of. */
    record Installed(String symbolicName, String version) {
    }

    /** Marks the jar as the one its plugin runs now: a later update's rollback and {@link #prune} read this. */
    void running(Path jar) {
        // later than every mark before, even when the clock was set back: the order of the marks is what counts
        long mark = clock.millis();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Artifacts::isKept).toList()) {
                mark = Math.max(mark, Files.getLastModifiedTime(file).toMillis() + 1);
            }
        } catch (IOException e) {
            // marked with the clock alone
        }
        try {
            Files.setLastModifiedTime(jar, FileTime.fromMillis(mark));
        } catch (IOException e) {
            // the jar stays; only which earlier version counts as the previous one may be off
        }
    }

    /** The jar that {@code name} {@code version} runs from (the one marked running last), or null. */
    Path runningJar(String name, String version) {
        Version wanted = Version.parseVersion(version);
        return jars(name).stream().filter(j -> j.version().equals(wanted)).max(Comparator.comparing(Jar::modified))
                .map(Jar::file).orElse(null);
    }

    /**
     * Deletes every jar that is neither the running one nor the previously running one of a plugin in
     * {@code installed}; returns how many were deleted. Takes {@link #lock()}.
     */
    int prune(Collection<Installed> installed) {
        lock.lock();
        try {
            Set<Path> keep = new HashSet<>();
            for (Installed plugin : installed) {
                Version current = Version.parseVersion(plugin.version());
                List<Jar> jars = jars(plugin.symbolicName());
                jars.stream().filter(j -> j.version().equals(current)).forEach(j -> keep.add(j.file()));
                jars.stream().filter(j -> !j.version().equals(current) && j.modified() > 0)
                        .max(Comparator.comparing(Jar::modified)).ifPresent(j -> keep.add(j.file()));
            }
            int deleted = 0;
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(Artifacts::isKept).toList()) {
                    if (!keep.contains(file) && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                }
            } catch (IOException e) {
                // no folder yet, or one file could not go: the next prune tries again
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    /** A jar {@link #fetch} keeps (not a download in progress, which starts with a dot). */
    private static boolean isKept(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && NAME.matcher(name).matches();
    }

    private record Jar(Path file, Version version, long modified) {
    }

    /** The kept jars of one symbolic name, with their versions. */
    private List<Jar> jars(String symbolicName) {
        String prefix = fileName(symbolicName) + "-";
        List<Jar> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                Matcher matcher = NAME.matcher(name);
                if (!name.startsWith(prefix) || !isKept(file) || !matcher.matches() || matcher.end(1) <= prefix.length()) {
                    continue;
                }
                try {
                    Version version = Version.parseVersion(name.substring(prefix.length(), matcher.end(1)));
                    jars.add(new Jar(file, version, Files.getLastModifiedTime(file).toMillis()));
                } catch (IllegalArgumentException | IOException anotherBundle) {
                    // a longer symbolic name with this one as its start ("a" and "a-b"), or a file going away
                }
            }
        } catch (IOException noFolder) {
            return List.of();
        }
        return jars;
    }

    private static String fileName(String symbolicName) {
        return symbolicName.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    Path folder() {
        return folder;
    }

    /**
     * The entry's jar, downloaded and verified (or already here); a mismatch is refused and nothing is kept. The
     * caller holds {@link #lock()} until the jar is installed.
     */
    Path fetch(CatalogView.Entry entry) throws CatalogException {
        String sha = entry.sha256();
        if (sha == null || !sha.matches("[0-9a-f]{64}")) {
            throw new CatalogException(entry.id() + " from catalog " + entry.source().name() + " is refused: its index "
                    + "gives no SHA-256 of the jar (osgi.content), so its download could not be checked. Ask the "
                    + "catalog's publisher to index it again (catalog:index).");
        }
        String bsn = fileName(entry.symbolicName());
        Path target = folder.resolve(bsn + "-" + entry.version() + "-" + sha.substring(0, Math.min(16, sha.length())) + ".jar");
        if (Files.isRegularFile(target) && sha.equals(sha256(target))) {
            return target;
        }
        URI catalog = Fetcher.check(entry.source().url());
        URI jar = Fetcher.checkFrom(catalog, Resources.url(entry.resource()));
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, ".download-", ".jar");
            entry.source().fetcher().copy(jar, temp, Fetcher.MAX_JAR_BYTES);
            String actual = sha256(temp);
            if (!sha.equals(actual)) {
                throw new CatalogException(entry.id() + " from catalog " + entry.source().name() + " is refused: the jar at "
                        + ShownUrls.shown(jar.toString()) + " has SHA-256 " + actual + ", the index says " + sha
                        + ". The jar or the index was changed; ask the catalog's publisher to index it again.");
            }
            String declared = Resources.signer(entry.resource());
            String signer;
            try {
                signer = Signers.of(temp);
            } catch (IOException e) {
                throw new CatalogException(entry.id() + " is refused: " + e.getMessage(), e);
            }
            if (!Signers.sameName(declared, signer)) {
                throw new CatalogException(entry.id() + " from catalog " + entry.source().name() + " is refused: the index"
                        + " names signer " + (declared == null ? "none" : "'" + declared + "'") + ", the jar is "
                        + (signer == null ? "unsigned" : "signed by '" + signer + "'") + ".");
            }
            // a download that has not run yet: never taken for a previous version (see the class comment)
            Files.setLastModifiedTime(temp, FileTime.fromMillis(0));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return target;
        } catch (IOException e) {
            throw new CatalogException("Cannot keep " + entry.id() + " in " + folder + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temporary file; the next download makes its own
                }
            }
        }
    }

    static String sha256(Path file) throws CatalogException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new CatalogException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
