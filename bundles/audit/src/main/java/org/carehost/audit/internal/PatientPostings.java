package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The audit trail's patient index: one posting (patient, sequence) per record that names a patient, in
 * {@code audit_patient_posting}. Postings are added in runs, each sorted by patient and covering every record
 * up to a sequence ({@code audit_posting_run}); the records after the newest run are found by a scan of that
 * short tail. Why not an index on {@code audit_record.patient_id}: with records arriving in sequence order and
 * patients in random order, every record went to a random B-tree leaf, and on H2 that was most of the cost of
 * writing the trail (about 50 against 18 µs of CPU a record without it, measured on H2 alone). A sorted run
 * touches each leaf once.
 *
 * <p>Postings are derived from the records and carry no chain of their own; {@link #firstMissing} lets
 * verification catch one that was removed to hide a record from searches by patient.
 */
final class PatientPostings {

    /** Records per run: the most a patient search scans beyond the postings (plus the database copy's lag). */
    static final long RUN = 20_000;

    /**
     * Records of one patient: the postings up to the newest run, then a scan of the records after it. The
     * patient is also compared on the record itself, so that a stale posting cannot bring in another's record.
     */
    static final String CONDITION = "patient_id = ? AND seq IN (SELECT seq FROM audit_patient_posting WHERE patient_id = ?"
            + " UNION ALL SELECT seq FROM audit_record WHERE seq > ? AND patient_id = ?)";

    private static final long SHARED_LOCK_KEY = 0x706f7374L; // "post"

    private PatientPostings() {
    }

    /** The parameters of {@link #CONDITION}, in order. */
    static List<Object> parameters(Connection connection, String patientId) throws SQLException {
        return List.of(patientId, patientId, coveredUpTo(connection), patientId);
    }

    /** Every record up to the returned sequence has its posting. */
    static long coveredUpTo(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COALESCE(MAX(last_seq), 0) FROM audit_posting_run");
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** One record's entry in the index. */
    record Posting(String patientId, long sequence) {
    }

    /** The postings of the records after {@code after} up to {@code upTo}, read back from the records. */
    static List<Posting> between(Connection connection, long after, long upTo) throws SQLException {
        List<Posting> postings = new java.util.ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT patient_id, seq FROM audit_record WHERE seq > ? AND seq <= ? AND patient_id IS NOT NULL")) {
            select.setLong(1, after);
            select.setLong(2, upTo);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    postings.add(new Posting(rows.getString(1), rows.getLong(2)));
                }
            }
        }
        return postings;
    }

    /**
     * Adds {@code postings} (every record's after the newest run up to {@code upTo}), sorted, as one run; in the
     * caller's transaction. The list is left as it was (a failed run is retried with it).
     */
    static void insertRun(Connection connection, List<Posting> postings, long upTo) throws SQLException {
        List<Posting> sorted = new java.util.ArrayList<>(postings);
        sorted.sort(java.util.Comparator.comparing(Posting::patientId).thenComparingLong(Posting::sequence));
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_patient_posting (patient_id, seq) VALUES (?, ?)");
                PreparedStatement run = connection.prepareStatement("INSERT INTO audit_posting_run (last_seq) VALUES (?)")) {
            for (Posting posting : sorted) {
                insert.setString(1, posting.patientId());
                insert.setLong(2, posting.sequence());
                insert.addBatch();
            }
            insert.executeBatch();
            run.setLong(1, upTo);
            run.executeUpdate();
        }
    }

    /**
     * PostgreSQL, where nodes share the trail and there is no copier thread: a run up to the newest record, by
     * whichever node gets the lock (the others skip this round). Returns whether a run was added.
     */
    static boolean extendShared(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(" + SHARED_LOCK_KEY + ")");
                    ResultSet got = lock.executeQuery()) {
                got.next();
                if (!got.getBoolean(1)) {
                    connection.rollback();
                    return false;
                }
            }
            long covered = coveredUpTo(connection);
            long head = AuditRows.head(connection).sequence();
            if (head > covered) {
                insertRun(connection, between(connection, covered, head), head);
            }
            connection.commit();
            return head > covered;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** The first record up to the newest run that names a patient but has no posting, or 0 if there is none. */
    static long firstMissing(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT MIN(r.seq) FROM audit_record r "
                + "WHERE r.seq <= ? AND r.patient_id IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM audit_patient_posting p WHERE p.patient_id = r.patient_id AND p.seq = r.seq)")) {
            select.setLong(1, coveredUpTo(connection));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Retention: the postings of records up to {@code sequence}, which are being removed (caller's transaction). */
    static void removeUpTo(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_patient_posting WHERE seq <= ?")) {
            delete.setLong(1, sequence);
            delete.executeUpdate();
        }
    }
}
