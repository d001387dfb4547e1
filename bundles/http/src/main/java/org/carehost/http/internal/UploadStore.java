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

    private static final String DUPLICATE_KEY = "23505"; // SQLSTATE unique_violation, in H2 and PostgreSQL

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

    /**
     * Keeps the jars of one upload (at {@code uploadedAt}, the container's time), all or none; a jar already kept (a
     * shared library) is left as it is. Returns the upload id each location is kept under now: {@code uploadId}, or
     * the earlier upload's for a jar already kept.
     */
    Map<String, String> save(String uploadId, List<UploadArchive.Jar> jars, List<String> locations, String uploadedBy,
            Instant uploadedAt) throws SQLException, IOException {
        Map<String, String> keptAs = new LinkedHashMap<>();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                Timestamp now = Timestamp.from(uploadedAt);
                for (int i = 0; i < jars.size(); i++) {
                    String earlier = uploadId(connection, locations.get(i));
                    keptAs.put(locations.get(i), earlier != null ? earlier : uploadId);
                    if (earlier != null) {
                        continue;
                    }
                    UploadArchive.Jar jar = jars.get(i);
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO plugin_upload (location, "
                            + "upload_id, position, symbolic_name, version, size_bytes, uploaded_by, uploaded_at, "
                            + "content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
                            InputStream content = Files.newInputStream(jar.file())) {
                        insert.setString(1, locations.get(i));
                        insert.setString(2, uploadId);
                        insert.setInt(3, i);
                        insert.setString(4, jar.symbolicName());
                        insert.setString(5, jar.version());
                        insert.setLong(6, jar.size());
                        insert.setString(7, uploadedBy);
                        insert.setTimestamp(8, now);
                        insert.setBinaryStream(9, content, Math.toIntExact(jar.size())); // int: every driver has it
                        insert.executeUpdate();
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

    /** Every kept jar, grouped by upload (in upload order), each group libraries first. */
    Map<String, List<Stored>> all() throws SQLException {
        Map<String, List<Stored>> uploads = new LinkedHashMap<>();
        try (Connection connection = store.connection();
                PreparedStatement query = connection.prepareStatement("SELECT location, upload_id, position, "
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
     * Forgets a jar whose bundle was uninstalled here: deletes its row and leaves a tombstone for the upload it was
     * kept under, and for {@code heldUploadId} (the upload the uninstalled bundle came from, null if unknown) if that
     * is another, in one transaction. False when no row was kept.
     */
    boolean forget(String location, String heldUploadId, Instant at) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                String kept = uploadId(connection, location);
                boolean deleted = false;
                if (kept != null) {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM plugin_upload WHERE location = ? AND upload_id = ?")) {
                        delete.setString(1, location);
                        delete.setString(2, kept);
                        deleted = delete.executeUpdate() > 0;
                    }
                    tombstone(connection, location, kept, at);
                }
                if (heldUploadId != null && !heldUploadId.equals(kept)) {
                    tombstone(connection, location, heldUploadId, at);
                }
                connection.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                if (e instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState())) {
                    return false; // another node removed the same upload at the same moment: its tombstone stands
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static void tombstone(Connection connection, String location, String uploadId, Instant at)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM plugin_upload_removed WHERE location = ? AND upload_id = ?")) {
            query.setString(1, location);
            query.setString(2, uploadId);
            try (ResultSet rows = query.executeQuery()) {
                if (rows.next()) {
                    return; // removed before (another node's uninstall of the same upload)
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO plugin_upload_removed (location, upload_id, removed_at) VALUES (?, ?, ?)")) {
            insert.setString(1, location);
            insert.setString(2, uploadId);
            insert.setTimestamp(3, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    /** Every tombstone (one small row per uninstall ever made). */
    Set<Removal> removed() throws SQLException {
        Set<Removal> removed = new HashSet<>();
        try (Connection connection = store.connection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT location, upload_id FROM plugin_upload_removed");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                removed.add(new Removal(rows.getString(1), rows.getString(2)));
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
