package org.carehost.store.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Repairs an H2 file database after the process was killed. H2's MVStore does not save its maps as one
 * atomic snapshot, so a kill can leave a table entry that a committed transaction wrote while the undo-log
 * entry that would settle it is gone: reads then skip the row, yet an insert of the same key spins for ever
 * waiting for a transaction that no longer exists. A full compaction ({@code SHUTDOWN COMPACT}) rewrites every
 * map and settles those entries, so it is run once before the store opens after a stop that was not clean (and
 * again through {@link org.carehost.store.h2.Compaction} if a first write still fails inside H2).
 * A clean stop is told from a kill by a mark file next to the database, made at open and removed at close.
 */
final class UncleanStop {

    static final String MARK_SUFFIX = ".in-use";

    private final Path mark;

    private UncleanStop(Path mark) {
        this.mark = mark;
    }

    /** The guard for an H2 file URL; empty for PostgreSQL, in-memory and server URLs, which are not ours to repair. */
    static Optional<UncleanStop> forUrl(String url) {
        return databasePath(url).map(path -> new UncleanStop(Paths.get(path + MARK_SUFFIX)));
    }

    static Optional<String> databasePath(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        String location = options < 0 ? rest : rest.substring(0, options);
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        } else if (location.matches("^[a-zA-Z]{2,}:.*")) {
            return Optional.empty(); // mem:, tcp:, ssl:, zip:, ...: no file of this process to repair
        }
        if (location.isBlank()) {
            return Optional.empty();
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        return Optional.of(location);
    }

    /** Whether the last process to open the database was killed (or crashed) before it closed it. */
    boolean wasUnclean() {
        return Files.exists(mark);
    }

    /**
     * Compacts the database if it was not closed cleanly, then marks it in use. Returns how long the
     * compaction took in milliseconds, or -1 when none was needed. A failed compaction leaves the mark, so
     * that the next start tries again.
     */
    long repairAndMark(DataSource dataSource) throws SQLException, IOException {
        long took = -1;
        if (wasUnclean()) {
            took = compact(dataSource);
        }
        Path parent = mark.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(mark)) {
            Files.createFile(mark);
        }
        return took;
    }

    /** Rewrites the whole file ({@code SHUTDOWN COMPACT}), closing every connection; returns the milliseconds taken. */
    static long compact(DataSource dataSource) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** After the database was shut down: the next start needs no repair. */
    void markClosed() throws IOException {
        Files.deleteIfExists(mark);
    }

    /** Closes the database itself (not just the pool's connections), so that the file is complete on disk. */
    static void shutdown(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
    }
}
