package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit trail's patient index. Records are indexed in runs, each covering every record up to a sequence
 * ({@code audit_posting_run}); a run has one row per patient it names, holding the sequence numbers of that
 * patient's records in the run ({@code audit_patient_run}). The records after the newest run are found by a scan
 * of that short tail. Why not an index on {@code audit_record.patient_id}: with records arriving in sequence
 * order and patients in random order, every record went to a random B-tree leaf, which on H2 made it most of
 * the cost of writing the trail. Why not a row per record (V7): on H2 a row costs about as much to write as the
 * audit record itself, whatever its width; a row per patient and run is written once per run. Measured on H2
 * alone, CPU per record written: 30.4 µs with a row per record, 18.2 with a row per patient and run, 12.1 with
 * no patient index (see V8).
 *
 * <p>The index is derived from the records and carries no chain of its own; {@link #firstMissing} lets
 * verification catch a record taken out of it to hide the record from searches by patient.
 */
final class PatientPostings {

    /** Records per run: the most a patient search scans beyond the index (plus the database copy's lag). */
    static final long RUN = 20_000;

    /**
     * Records of one patient: those the runs list (an array parameter), then a scan of the records after the
     * newest run. The patient is also compared on the record itself, so that a stale or forged entry cannot bring
     * in another's record.
     */
    static final String CONDITION = "patient_id = ? AND seq IN (SELECT x FROM UNNEST(?) AS listed(x)"
            + " UNION ALL SELECT seq FROM audit_record WHERE seq > ? AND patient_id = ?)";

    private static final long SHARED_LOCK_KEY = 0x706f7374L; // "post"

    private PatientPostings() {
    }

    /** The parameters of {@link #CONDITION}, in order. */
    static List<Object> parameters(Connection connection, String patientId) throws SQLException {
        // The coverage first: a run added in between then shows in both halves, never in neither.
        long covered = coveredUpTo(connection);
        List<Long> listed = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT seqs FROM audit_patient_run WHERE patient_id = ?")) {
            select.setString(1, patientId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    for (long sequence : sequences(rows.getArray(1))) {
                        listed.add(sequence);
                    }
                }
            }
        }
        return List.of(patientId, connection.createArrayOf("bigint", listed.toArray()), covered, patientId);
    }

    /** Every record up to the returned sequence is in the index. */
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
        List<Posting> postings = new ArrayList<>();
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
     * Adds {@code postings} (every record's after the newest run up to {@code upTo}) as one run, a row per
     * patient; in the caller's transaction. The list is left as it was (a failed run is retried with it).
     */
    static void insertRun(Connection connection, List<Posting> postings, long upTo) throws SQLException {
        Map<String, List<Long>> byPatient = new TreeMap<>();
        for (Posting posting : postings) {
            byPatient.computeIfAbsent(posting.patientId(), patient -> new ArrayList<>()).add(posting.sequence());
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_patient_run (patient_id, last_seq, seqs) VALUES (?, ?, ?)");
                PreparedStatement run = connection.prepareStatement("INSERT INTO audit_posting_run (last_seq) VALUES (?)")) {
            for (Map.Entry<String, List<Long>> patient : byPatient.entrySet()) {
                List<Long> sequences = patient.getValue();
                sequences.sort(null);
                insert.setString(1, patient.getKey());
                insert.setLong(2, upTo);
                insert.setArray(3, connection.createArrayOf("bigint", sequences.toArray()));
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

    /**
     * The first record up to the newest run that names a patient but is not listed under that patient in its
     * run, or 0 if there is none. Run by run, so that memory holds one run's entries at a time.
     */
    static long firstMissing(Connection connection) throws SQLException {
        List<Long> runs = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT last_seq FROM audit_posting_run ORDER BY last_seq");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                runs.add(rows.getLong(1));
            }
        }
        long after = 0;
        for (long last : runs) {
            List<Posting> records = between(connection, after, last); // none for a run that retention archived
            Map<String, long[]> listed = records.isEmpty() ? Map.of() : listedIn(connection, last);
            for (Posting record : records) {
                long[] sequences = listed.get(record.patientId());
                if (sequences == null || Arrays.binarySearch(sequences, record.sequence()) < 0) {
                    return record.sequence();
                }
            }
            after = last;
        }
        return 0;
    }

    /** The run's entries by patient, each sorted. */
    private static Map<String, long[]> listedIn(Connection connection, long run) throws SQLException {
        Map<String, long[]> listed = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT patient_id, seqs FROM audit_patient_run WHERE last_seq = ?")) {
            select.setLong(1, run);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long[] sequences = sequences(rows.getArray(2));
                    Arrays.sort(sequences);
                    listed.put(rows.getString(1), sequences);
                }
            }
        }
        return listed;
    }

    /** A {@code BIGINT ARRAY} as read (H2 gives {@code Object[]} of Long, PostgreSQL {@code Long[]}). */
    private static long[] sequences(java.sql.Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] sequences = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            sequences[i] = ((Number) values[i]).longValue();
        }
        return sequences;
    }

    /**
     * Retention: the runs that end at or before {@code sequence}, whose records are being removed (caller's
     * transaction). A run that straddles the boundary keeps its row; its entries for removed records match
     * nothing.
     */
    static void removeUpTo(Connection connection, long sequence) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_patient_run WHERE last_seq <= ?")) {
            delete.setLong(1, sequence);
            delete.executeUpdate();
        }
    }
}
