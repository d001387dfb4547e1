package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.Verification;

/**
 * Walks the chain in sequence order and stops at the first record that is not what the chain says it must
 * be: a gap (deleted), a repeat or a record whose predecessor hash does not match (inserted or reordered), or
 * a record whose own hash does not match its content (changed).
 */
final class Verifier {

    private Verifier() {
    }

    static Verification verify(Connection connection) throws SQLException {
        // Records past retention are in archives; what stays continues from the newest archive boundary.
        AuditRows.Head boundary = Retention.boundary(connection);
        long expected = boundary.sequence() + 1;
        String previous = boundary.hash();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + AuditRows.COLUMNS + " FROM audit_record ORDER BY seq")) {
            select.setFetchSize(1000);
            java.security.MessageDigest sha256 = Chain.sha256();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AuditRecord record = AuditRows.read(rows);
                    if (record.sequence() > expected) {
                        return broken(expected - 1, expected, "record " + expected
                                + (record.sequence() == expected + 1 ? " is" : " to " + (record.sequence() - 1) + " are")
                                + " missing (deleted)");
                    }
                    if (record.sequence() < expected) {
                        return broken(expected - 1, record.sequence(), "record " + record.sequence() + " appears twice (inserted)");
                    }
                    if (!previous.equals(record.previousHash())) {
                        return broken(expected - 1, expected, "record " + expected + " does not follow record "
                                + (expected - 1) + " (inserted, reordered, or its predecessor was changed)");
                    }
                    String hash = Chain.hash(sha256, previous, record);
                    if (!hash.equals(record.hash())) {
                        return broken(expected - 1, expected, "record " + expected + " was changed after it was written");
                    }
                    previous = record.hash();
                    expected++;
                }
            }
        }
        return new Verification(true, expected - 1, 0, null);
    }

    private static Verification broken(long checked, long sequence, String problem) {
        return new Verification(false, checked, sequence, problem);
    }
}
