package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;

/** Rows of {@code audit_record}, written and read. */
final class AuditRows {

    static final String COLUMNS = "seq, recorded_at, node, plugin, plugin_version, user_id, purpose, action, operation, "
            + "resource_type, resource_id, patient_id, query_text, outcome, reason, prev_hash, hash, "
            + "tenant, roles, correlation_id, break_glass";

    private AuditRows() {
    }

    static void insert(Connection connection, List<AuditRecord> records) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_record (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditRecord record : records) {
                insert.setLong(1, record.sequence());
                insert.setObject(2, record.recorded().atOffset(ZoneOffset.UTC));
                insert.setString(3, record.node());
                insert.setString(4, record.plugin());
                insert.setString(5, record.pluginVersion());
                insert.setString(6, record.user());
                insert.setString(7, record.purposeOfUse());
                insert.setString(8, record.action().code());
                insert.setString(9, record.operation());
                insert.setString(10, record.resourceType());
                insert.setString(11, record.resourceId());
                insert.setString(12, record.patientId());
                insert.setString(13, record.query());
                insert.setString(14, record.outcome().name());
                insert.setString(15, record.reason());
                insert.setString(16, record.previousHash());
                insert.setString(17, record.hash());
                insert.setString(18, record.tenant());
                insert.setString(19, record.roles());
                insert.setString(20, record.correlationId());
                insert.setString(21, record.breakGlass());
                insert.addBatch();
            }
            insert.executeBatch();
        }
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
