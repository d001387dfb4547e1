package org.carehost.audit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.carehost.store.Store;

/** The audit tables as the store's migrations create them (their other tables are not needed here). */
final class AuditSchema {

    static final List<String> SCRIPTS = List.of("V3__audit.sql", "V4__audit_archive.sql", "V5__care_context.sql",
            "V7__audit_patient_postings.sql", "V8__audit_patient_runs.sql");

    private AuditSchema() {
    }

    static void create(Connection connection) throws SQLException, IOException {
        apply(connection, SCRIPTS);
    }

    static void apply(Connection connection, List<String> scripts) throws SQLException, IOException {
        for (String script : scripts) {
            StringBuilder statement = new StringBuilder();
            for (String line : read(script).split("\n")) {
                if (line.isBlank() || line.strip().startsWith("--")) {
                    continue;
                }
                statement.append(line).append('\n');
                if (line.strip().endsWith(";")) {
                    String sql = statement.toString().strip();
                    if (sql.contains("audit_")) {
                        try (Statement run = connection.createStatement()) {
                            run.execute(sql.substring(0, sql.length() - 1));
                        }
                    }
                    statement.setLength(0);
                }
            }
        }
    }

    /** How many records the patient index lists, in all runs. */
    static long listed(Connection connection) throws SQLException {
        return count(connection, "SELECT COALESCE(SUM(CARDINALITY(seqs)), 0) FROM audit_patient_run");
    }

    /** The single number {@code sql} (a COUNT) answers. */
    static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); java.sql.ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String read(String name) throws IOException {
        try (InputStream in = Store.class.getResourceAsStream("/org/carehost/store/internal/migration/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
