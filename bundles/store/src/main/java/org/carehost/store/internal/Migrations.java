package org.carehost.store.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.carehost.store.Store.Dialect;

/**
 * Brings the schema up to date with the versioned scripts listed in {@code migration/index.txt}, each
 * applied once and recorded in {@code carehost_schema_version} with the SHA-256 of its text. A shipped script
 * whose text no longer matches what was applied stops the start ({@link ChangedMigrationException}): the
 * database was built by a different script than the one shipped, and nothing is applied on top of that.
 *
 * <p>Why not Flyway or Liquibase: both find scripts and database support by class-path scanning and
 * service loading, which needs workarounds in OSGi, and both are far larger than the ~100 lines this
 * takes. Scripts are plain SQL that H2 and PostgreSQL both accept; on PostgreSQL an advisory lock makes
 * nodes starting together apply each script once.
 */
final class Migrations {

    private static final String INDEX = "migration/index.txt";
    private static final long POSTGRES_LOCK_KEY = 0x6361726568L; // "careh"

    record Script(int version, String resource, String description) {
    }

    /** A shipped migration differs from the one the database recorded when it was applied. */
    static final class ChangedMigrationException extends SQLException {
        private static final long serialVersionUID = 1L;

        ChangedMigrationException(String message) {
            super(message, "55000");
        }
    }

    private Migrations() {
    }

    /** Applies the missing scripts; returns the versions it applied. */
    static List<Integer> migrate(Connection connection, Dialect dialect) throws SQLException, IOException {
        List<Integer> applied = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            if (dialect == Dialect.POSTGRESQL) {
                try (Statement lock = connection.createStatement()) {
                    lock.execute("SELECT pg_advisory_xact_lock(" + POSTGRES_LOCK_KEY + ")");
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS carehost_schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL, "
                        + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                // Added after version 8 shipped: scripts applied before it get theirs recorded on the next start.
                statement.execute("ALTER TABLE carehost_schema_version ADD COLUMN IF NOT EXISTS checksum VARCHAR(64)");
            }
            int current = currentVersion(connection);
            java.util.Map<Integer, String> recorded = checksums(connection);
            for (Script script : scripts()) {
                String checksum = checksum(read(script.resource()));
                if (script.version() <= current) {
                    checkUnchanged(connection, script, recorded.get(script.version()), checksum);
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    for (String sql : statements(read(script.resource()))) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO carehost_schema_version (version, description, applied_at, checksum) "
                        + "VALUES (?, ?, CURRENT_TIMESTAMP, ?)")) {
                    record.setInt(1, script.version());
                    record.setString(2, script.description());
                    record.setString(3, checksum);
                    record.executeUpdate();
                }
                applied.add(script.version());
            }
            connection.commit();
            return applied;
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static java.util.Map<Integer, String> checksums(Connection connection) throws SQLException {
        java.util.Map<Integer, String> checksums = new java.util.HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, checksum FROM carehost_schema_version")) {
            while (rows.next()) {
                checksums.put(rows.getInt(1), rows.getString(2));
            }
        }
        return checksums;
    }

    /** An applied script: its recorded checksum must be the shipped one's; one applied before checksums gets it now. */
    private static void checkUnchanged(Connection connection, Script script, String recorded, String shipped)
            throws SQLException {
        if (recorded == null) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE carehost_schema_version SET checksum = ? WHERE version = ? AND checksum IS NULL")) {
                update.setString(1, shipped);
                update.setInt(2, script.version());
                update.executeUpdate();
            }
        } else if (!recorded.equals(shipped)) {
            throw new ChangedMigrationException("Schema migration " + script.version() + " (" + script.resource()
                    + ") is not the script this database was migrated with: its SHA-256 was " + recorded
                    + " when it was applied and is " + shipped + " in this build. A shipped migration must never be "
                    + "edited; restore it and put the change in a new migration. Nothing was applied.");
        }
    }

    /** SHA-256 of a script's text (lines as read, so line endings do not count), in hex. */
    static String checksum(String script) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(script.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM carehost_schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    static List<Script> scripts() throws IOException {
        List<Script> scripts = new ArrayList<>();
        int previous = 0;
        for (String line : read(INDEX).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+", 3);
            int version = Integer.parseInt(parts[0]);
            if (version != previous + 1) {
                throw new IOException(INDEX + ": version " + version + " follows " + previous + "; versions must count up by one");
            }
            previous = version;
            scripts.add(new Script(version, "migration/" + parts[1], parts.length > 2 ? parts[2] : parts[1]));
        }
        return scripts;
    }

    /** Statements of a script: split at semicolons that end a line; -- comments dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String code = line.strip();
            if (code.isEmpty() || code.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (code.endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    static String read(String resource) throws IOException {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Missing migration resource " + resource);
            }
            StringBuilder text = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    text.append(line).append('\n');
                }
            }
            return text.toString();
        }
    }
}
