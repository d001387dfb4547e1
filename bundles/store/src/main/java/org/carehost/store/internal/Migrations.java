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
 * applied once and recorded in {@code carehost_schema_version}.
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
            }
            int current = currentVersion(connection);
            for (Script script : scripts()) {
                if (script.version() <= current) {
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    for (String sql : statements(read(script.resource()))) {
                        statement.execute(sql);
                    }
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO carehost_schema_version (version, description, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                    record.setInt(1, script.version());
                    record.setString(2, script.description());
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

    private static String read(String resource) throws IOException {
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
