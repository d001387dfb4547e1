package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Statements;

/** Rows of {@code audit_record}, written and read. */
final class AuditRows {

    static final String COLUMNS = "seq, recorded_at, node, plugin, plugin_version, user_id, purpose, action, operation, "
            + "resource_type, resource_id, patient_id, query_text, outcome, reason, prev_hash, hash, "
            + "tenant, roles, correlation_id, break_glass";

    private AuditRows() {
    }

    private static final int FIELDS = 21;
    private static final String ROW = "(" + "?, ".repeat(FIELDS - 1) + "?)";

    /** The records as a JDBC batch of single-row inserts, in the caller's transaction. */
    static void insert(Connection connection, List<AuditRecord> records) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_record (" + COLUMNS
                + ") VALUES " + ROW)) {
            for (AuditRecord record : records) {
                bind(insert, 0, record);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The records as one multi-row {@code INSERT}: one statement, so atomic in auto-commit, and one round trip. At
     * most 3,000 records (PostgreSQL takes up to 65,535 parameters).
     */
    static void insertAtOnce(Connection connection, List<AuditRecord> records) throws SQLException {
        if (records.size() * FIELDS > 65_535) {
            throw new IllegalArgumentException("at most " + 65_535 / FIELDS + " records in one statement, not " + records.size());
        }
        StringBuilder sql = new StringBuilder(40 + COLUMNS.length() + records.size() * (ROW.length() + 2))
                .append("INSERT INTO audit_record (").append(COLUMNS).append(") VALUES ").append(ROW);
        for (int i = 1; i < records.size(); i++) {
            sql.append(", ").append(ROW);
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < records.size(); i++) {
                bind(insert, i * FIELDS, records.get(i));
            }
            insert.executeUpdate();
        }
    }

    private static void bind(PreparedStatement insert, int at, AuditRecord record) throws SQLException {
        insert.setLong(at + 1, record.sequence());
        insert.setObject(at + 2, Statements.utc(record.recorded()));
        insert.setString(at + 3, record.node());
        insert.setString(at + 4, record.plugin());
        insert.setString(at + 5, record.pluginVersion());
        insert.setString(at + 6, record.user());
        insert.setString(at + 7, record.purposeOfUse());
        insert.setString(at + 8, record.action().code());
        insert.setString(at + 9, record.operation());
        insert.setString(at + 10, record.resourceType());
        insert.setString(at + 11, record.resourceId());
        insert.setString(at + 12, record.patientId());
        insert.setString(at + 13, record.query());
        insert.setString(at + 14, record.outcome().name());
        insert.setString(at + 15, record.reason());
        insert.setString(at + 16, record.previousHash());
        insert.setString(at + 17, record.hash());
        insert.setString(at + 18, record.tenant());
        insert.setString(at + 19, record.roles());
        insert.setString(at + 20, record.correlationId());
        insert.setString(at + 21, record.breakGlass());
    }

    static AuditRecord read(ResultSet row) throws SQLException {
        return new AuditRecord(row.getLong(1), row.getObject(2, OffsetDateTime.class).toInstant(), row.getString(3),
                row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getString(18),
                row.getString(19), row.getString(20), row.getString(21), AuditAction.ofCode(row.getString(8)), row.getString(9), row.getString(10), row.getString(11),
                row.getString(12), row.getString(13), AuditOutcome.valueOf(row.getString(14)), row.getString(15),
                row.getString(16), row.getString(17));
    }

    /** The newest record's sequence and hash, or (0, genesis). */
    static Head head(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1");
                ResultSet row = select.executeQuery()) {
            return row.next() ? new Head(row.getLong(1), row.getString(2)) : new Head(0, Chain.GENESIS);
        }
    }

    record Head(long sequence, String hash) {
    }
}
