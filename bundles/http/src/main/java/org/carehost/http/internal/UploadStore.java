package org.carehost.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.store.Store;

/**
 * Uploaded plugin jars in the store ({@code plugin_upload}, migration 14): kept so that a restart, or another node
 * sharing the database, installs them again. One row per jar, at its bundle location ({@code upload:<sha-256>}); a
 * zip's plugin and its libraries share an upload id (new at each upload), libraries first. Each uninstall leaves a
 * tombstone naming the upload removed ({@code plugin_upload_removed}, migration 19: location and upload id), written
 * with the row's deletion in one transaction; only a tombstone uninstalls an upload on other nodes
 * ({@link UploadLook}).
 */
final class UploadStore {

    private static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique_violation

    /** A stored jar, without its bytes. */
    record Stored(String location, String uploadId, int position, String symbolicName, String version, long size,
            String uploadedBy, Instant uploadedAt) {
    }

    /** A tombstone: the upload {@code uploadId} of the jar at {@code location} was uninstalled. */
    record Removal(String location, String uploadId) {
    }

    private final Store store;

    UploadStore(Store store) {
        this.store = store;
    }

    private static final String INSERT = "INSERT INTO plugin_upload (upload_id, position, symbolic_name, version, "
            + "size_bytes, uploaded_by, uploaded_at, content, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE plugin_upload SET upload_id = ?, position = ?, symbolic_name = ?, "
            + "version = ?, size_bytes = ?, uploaded_by = ?, uploaded_at = ?, content = ? WHERE location = ?";

    /**
     * Keeps the jars of one upload (at {@code uploadedAt}, the container's time), all or none. A jar this upload
     * installed ({@code installedHere}) is kept under {@code uploadId}, a row of an earlier upload of it replaced: the
     * earlier upload may be one uninstalled here whose row is not yet deleted, and the tombstone of that upload must
     * not apply to this one. A jar already installed here (a shared library) keeps its row as it is. Returns the upload
     * id each location is kept under now.
     */
    Map<String, String> save(String uploadId, List<UploadArchive.Jar> jars, List<String> locations,
            Set<String> installedHere, String uploadedBy, Instant uploadedAt) throws SQLException, IOException {
        Map<String, String> keptAs = new LinkedHashMap<>();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                Timestamp now = Timestamp.from(uploadedAt);
                for (int i = 0; i < jars.size(); i++) {
                    String location = locations.get(i);
                    String earlier = uploadId(connection, location);
                    if (earlier != null && !installedHere.contains(location)) {
                        keptAs.put(location, earlier);
                        continue;
                    }
                    keptAs.put(location, uploadId);
                    UploadArchive.Jar jar = jars.get(i);
                    // the earlier row may be deleted (its uninstall's removal, on the worker) between the read above
                    // and this update: then nothing was updated, and the jar is inserted as a row of its own
                    if (earlier == null || write(connection, UPDATE, uploadId, i, jar, uploadedBy, now, location) == 0) {
                        write(connection, INSERT, uploadId, i, jar, uploadedBy, now, location);
                    }
                }
                connection.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        return keptAs;
    }

    /** One jar's row written with {@code sql} ({@link #INSERT} or {@link #UPDATE}); the rows it changed. */
    private static int write(Connection connection, String sql, String uploadId, int position, UploadArchive.Jar jar,
            String uploadedBy, Timestamp now, String location) throws SQLException, IOException {
        try (PreparedStatement write = connection.prepareStatement(sql);
                InputStream content = Files.newInputStream(jar.file())) {
            write.setString(1, uploadId);
            write.setInt(2, position);
            write.setString(3, jar.symbolicName());
            write.setString(4, jar.version());
            write.setLong(5, jar.size());
            write.setString(6, uploadedBy);
            write.setTimestamp(7, now);
            write.setBinaryStream(8, content, Math.toIntExact(jar.size())); // int: every driver has it
            write.setString(9, location);
            return write.executeUpdate();
        }
    }

    /** The upload id of the location's row; null when none is kept. */
    private static String uploadId(Connection connection, String location) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT upload_id FROM plugin_upload WHERE location = ?")) {
            query.setString(1, location);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** The store's rows (grouped by upload, in upload order, each group libraries first) and its tombstones. */
    record View(Map<String, List<Stored>> uploads, Set<Removal> removed) {
    }

    /** Every kept jar, grouped by upload (in upload order), each group libraries first. */
    Map<String, List<Stored>> all() throws SQLException {
        try (Connection connection = store.connection()) {
            return all(connection);
        }
    }

    /**
     * The rows and the tombstones as of one moment (one repeatable-read transaction): a tombstone written with a row's
     * deletion is never missed while the row is missed too, nor the other way round. Only the tombstones a look can
     * use are read: those of a location kept now or of one in {@code held} (the locations this node holds), not every
     * uninstall ever made.
     */
    View view(java.util.Collection<String> held) throws SQLException {
        try (Connection connection = store.connection()) {
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            try {
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                View view = new View(all(connection), removed(connection, List.copyOf(held)));
                connection.commit();
                return view;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
                connection.setTransactionIsolation(isolation);
            }
        }
    }

    private static Map<String, List<Stored>> all(Connection connection) throws SQLException {
        Map<String, List<Stored>> uploads = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT location, upload_id, position, "
                        + "symbolic_name, version, size_bytes, uploaded_by, uploaded_at FROM plugin_upload "
                        + "ORDER BY uploaded_at, upload_id, position");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                Stored stored = new Stored(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getString(4),
                        rows.getString(5), rows.getLong(6), rows.getString(7), rows.getTimestamp(8).toInstant());
                uploads.computeIfAbsent(stored.uploadId(), id -> new ArrayList<>()).add(stored);
            }
        }
        return uploads;
    }

    /** Writes a kept jar to {@code file}; false when it is no longer kept. */
    boolean copy(String location, Path file) throws SQLException, IOException {
        try (Connection connection = store.connection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT content FROM plugin_upload WHERE location = ?")) {
            query.setString(1, location);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                try (InputStream content = rows.getBinaryStream(1)) {
                    Files.copy(content, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return true;
            }
        }
    }

    /**
     * Forgets the upload {@code heldUploadId} of a jar whose bundle was uninstalled here: deletes the location's row if
     * it is still that upload's (a row of a later upload of the same jar stays) and leaves a tombstone of that upload,
     * in one transaction. A tombstone already there (another node removed the same upload) is not an error: the row
     * goes all the same. Writes nothing for an upload not known ({@code null}). True when a row was deleted.
     */
    boolean forget(String location, String heldUploadId, Instant at) throws SQLException {
        if (heldUploadId == null) {
            return false;
        }
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                boolean deleted;
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM plugin_upload WHERE location = ? AND upload_id = ?")) {
                    delete.setString(1, location);
                    delete.setString(2, heldUploadId);
                    deleted = delete.executeUpdate() > 0;
                }
                tombstone(connection, location, heldUploadId, at);
                connection.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Inserts the tombstone unless there is one, also when another node's transaction writes it at the same moment:
     * {@code ON CONFLICT DO NOTHING} on PostgreSQL; on H2, the insert within a savepoint, rolled back to it on a
     * duplicate key (the rest of the transaction, the row's deletion, stands).
     */
    private void tombstone(Connection connection, String location, String uploadId, Instant at) throws SQLException {
        boolean postgres = store.dialect() == Store.Dialect.POSTGRESQL;
        String sql = "INSERT INTO plugin_upload_removed (location, upload_id, removed_at) VALUES (?, ?, ?)"
                + (postgres ? " ON CONFLICT (location, upload_id) DO NOTHING" : "");
        java.sql.Savepoint before = postgres ? null : connection.setSavepoint();
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, location);
            insert.setString(2, uploadId);
            insert.setTimestamp(3, Timestamp.from(at));
            insert.executeUpdate();
        } catch (SQLException e) {
            if (before == null || !DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before); // removed before, or by another node just now: its tombstone stands
        }
    }

    /** Every tombstone (one small row per uninstall ever made). */
    Set<Removal> removed() throws SQLException {
        try (Connection connection = store.connection()) {
            return removed(connection);
        }
    }

    private static Set<Removal> removed(Connection connection) throws SQLException {
        return removed(connection, null);
    }

    /** The tombstones: every one ({@code held} null), or those of a location kept now or in {@code held}. */
    private static Set<Removal> removed(Connection connection, List<String> held) throws SQLException {
        Set<Removal> removed = new HashSet<>();
        String sql = "SELECT location, upload_id FROM plugin_upload_removed";
        if (held != null) {
            sql += " WHERE location IN (SELECT location FROM plugin_upload)" + (held.isEmpty() ? ""
                    : " OR location IN (" + String.join(", ", java.util.Collections.nCopies(held.size(), "?")) + ")");
        }
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; held != null && i < held.size(); i++) {
                query.setString(i + 1, held.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    removed.add(new Removal(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return removed;
    }

    /** How many jars are kept (for tests and the log). */
    int count() throws SQLException {
        try (Connection connection = store.connection();
                PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM plugin_upload");
                ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
