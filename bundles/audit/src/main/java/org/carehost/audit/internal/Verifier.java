package org.carehost.audit.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.Verification;

/**
 * Checks the trail: walks the chain in sequence order and stops at the first record that is not what the chain says
 * it must be: a gap (deleted), a repeat or a record whose predecessor hash does not match (inserted or reordered), or
 * a record whose own hash does not match its content (changed); then checks the chain against each signed
 * checkpoint (a rewritten or cut-off chain is intact in itself), then the patient index.
 */
final class Verifier {

    private final Checkpoints checkpoints;

    Verifier(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** The chain, the checkpoints, the patient index: the first problem found, or intact. */
    Verification verify(Connection connection) throws SQLException, IOException, GeneralSecurityException {
        Verification chain = chain(connection);
        if (!chain.intact()) {
            return chain;
        }
        Verification signed = againstCheckpoints(connection, chain);
        if (!signed.intact()) {
            return signed;
        }
        long unindexed = PatientPostings.firstMissing(connection);
        return unindexed == 0 ? signed : new Verification(false, chain.checked(), unindexed, "record " + unindexed
                + " is missing from the patient index (audit_patient_run), so a search by its patient would not"
                + " show it: the index was altered");
    }

    /**
     * An intact chain can still be a rewritten or shortened one; each signed checkpoint pins the hash record N
     * had when it was signed.
     */
    private Verification againstCheckpoints(Connection connection, Verification chain)
            throws SQLException, IOException, GeneralSecurityException {
        List<String> problems = new ArrayList<>();
        long archivedUpTo = Retention.boundary(connection).sequence();
        for (Checkpoints.Checkpoint checkpoint : checkpoints.all(problems)) {
            if (!checkpoints.signatureValid(checkpoint)) {
                problems.add("the checkpoint at record " + checkpoint.sequence() + " has an invalid signature (forged or altered)");
            } else if (checkpoint.sequence() > chain.checked()) {
                return new Verification(false, chain.checked(), chain.checked() + 1, "records " + (chain.checked() + 1)
                        + " to " + checkpoint.sequence() + " are missing: a signed checkpoint of " + checkpoint.signedAt()
                        + " saw " + checkpoint.sequence() + " records (the end of the trail was cut off)");
            } else if (checkpoint.sequence() > archivedUpTo
                    && !checkpoint.hash().equals(hashAt(connection, checkpoint.sequence()))) {
                return new Verification(false, chain.checked(), checkpoint.sequence(), "record " + checkpoint.sequence()
                        + " differs from the signed checkpoint of " + checkpoint.signedAt()
                        + " (the chain was rewritten up to here)");
            }
        }
        if (!problems.isEmpty()) {
            return new Verification(false, chain.checked(), 0, String.join("; ", problems));
        }
        return chain;
    }

    private static String hashAt(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT hash FROM audit_record WHERE seq = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** The chain alone, from the newest archive boundary on. */
    static Verification chain(Connection connection) throws SQLException {
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
