package org.carehost.audit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.store.Statements;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Records past the retention period leave the database only after they are safely in an archive: a
 * gzipped JSON-lines file with every field and both hashes (so the archived stretch can be verified on its
 * own, and joins the chain that stays), written, forced to disk and renamed into place before the rows are
 * deleted. The boundary (last archived sequence and hash) is kept in {@code audit_archive}; verification of
 * the database continues from it.
 */
final class Retention {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Duration period;

    Retention(Path directory, Duration period) {
        this.directory = directory;
        this.period = period;
    }

    /** The newest archive boundary, or (0, genesis) when nothing was archived. */
    static AuditRows.Head boundary(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT last_seq, last_hash FROM audit_archive ORDER BY last_seq DESC LIMIT 1");
                ResultSet row = select.executeQuery()) {
            return row.next() ? new AuditRows.Head(row.getLong(1), row.getString(2)) : new AuditRows.Head(0, Chain.GENESIS);
        }
    }

    /** Archives and removes records older than the period; returns what it did, in words. */
    String archive(Connection connection, Instant now) throws SQLException, IOException {
        AuditRows.Head boundary = boundary(connection);
        Instant cutoff = now.minus(period);
        long last;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MAX(seq) FROM audit_record WHERE recorded_at < ?")) {
            select.setObject(1, Statements.utc(cutoff));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                last = row.getLong(1);
            }
        }
        if (last <= boundary.sequence()) {
            return "Nothing to archive: no record older than " + cutoff + " (retention " + period.toDays() + " days).";
        }
        long first = boundary.sequence() + 1;
        Files.createDirectories(directory);
        Path target = directory.resolve(String.format("audit-%012d-%012d.jsonl.gz", first, last));
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        String lastHash = boundary.hash();
        long count = 0;
        try (OutputStream file = Files.newOutputStream(partial);
                Writer out = new OutputStreamWriter(new GZIPOutputStream(file), StandardCharsets.UTF_8);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + AuditRows.COLUMNS + " FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            select.setLong(1, first);
            select.setLong(2, last);
            select.setFetchSize(1000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AuditRecord record = AuditRows.read(rows);
                    if (!record.previousHash().equals(lastHash) || record.sequence() != first + count) {
                        throw new IOException("Not archived: record " + record.sequence()
                                + " does not continue the chain (run audit:verify)");
                    }
                    out.write(json(record));
                    out.write('\n');
                    lastHash = record.hash();
                    count++;
                }
            }
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement mark = connection.prepareStatement("INSERT INTO audit_archive "
                + "(last_seq, last_hash, first_seq, archived_at, archive_file) VALUES (?, ?, ?, ?, ?)");
                PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_record WHERE seq BETWEEN ? AND ?")) {
            mark.setLong(1, last);
            mark.setString(2, lastHash);
            mark.setLong(3, first);
            mark.setObject(4, Statements.utc(now));
            mark.setString(5, target.toAbsolutePath().toString());
            mark.executeUpdate();
            delete.setLong(1, first);
            delete.setLong(2, last);
            delete.executeUpdate();
            PatientPostings.removeUpTo(connection, last);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return "Archived records " + first + " to " + last + " (" + count + ", older than " + cutoff + ") to " + target
                + " and removed them from the database.";
    }

    static String json(AuditRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("sequence", record.sequence());
        node.put("recorded", record.recorded().toString());
        node.put("node", record.node());
        node.put("plugin", record.plugin());
        node.put("pluginVersion", record.pluginVersion());
        node.put("user", record.user());
        node.put("purposeOfUse", record.purposeOfUse());
        node.put("tenant", record.tenant());
        node.put("roles", record.roles());
        node.put("correlationId", record.correlationId());
        node.put("breakGlass", record.breakGlass());
        node.put("action", record.action().code());
        node.put("operation", record.operation());
        node.put("resourceType", record.resourceType());
        node.put("resourceId", record.resourceId());
        node.put("patientId", record.patientId());
        node.put("query", record.query());
        node.put("outcome", record.outcome().name());
        node.put("reason", record.reason());
        node.put("previousHash", record.previousHash());
        node.put("hash", record.hash());
        return node.toString();
    }
}
