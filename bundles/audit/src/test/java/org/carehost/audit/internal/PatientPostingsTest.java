package org.carehost.audit.internal;

import static org.carehost.audit.internal.TestRecords.chain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.audit.AuditRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The patient index of the trail, on a real H2 database with the migrations' schema. */
class PatientPostingsTest {

    private Connection connection;
    private final List<AuditRecord> records = chain(1, 30, Chain.GENESIS); // patients p-0 … p-6, in turn

    @BeforeEach
    void trail() throws SQLException, IOException {
        connection = DriverManager.getConnection("jdbc:h2:mem:postings-" + System.nanoTime());
        AuditSchema.create(connection);
        AuditRows.insert(connection, records);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void aSearchByPatientFindsRecordsInARunAndInTheTailAfterIt() throws SQLException {
        assertEquals(0, PatientPostings.coveredUpTo(connection));
        assertEquals(expected("p-3"), seqsOf("p-3"), "all in the tail");

        PatientPostings.insertRun(connection, PatientPostings.between(connection, 0, 20), 20);
        assertEquals(20, PatientPostings.coveredUpTo(connection));
        assertEquals(20, AuditSchema.listed(connection));
        assertEquals(7, AuditSchema.count(connection, "SELECT COUNT(*) FROM audit_patient_run"), "a row per patient");
        assertEquals(expected("p-3"), seqsOf("p-3"), "records 1-20 through the run, 21-30 in the tail");
        assertEquals(0, PatientPostings.firstMissing(connection));
    }

    @Test
    void theMigrationGivesAnExistingTrailItsRuns() throws SQLException, IOException {
        try (Connection before = DriverManager.getConnection("jdbc:h2:mem:postings-upgrade-" + System.nanoTime())) {
            AuditSchema.apply(before, AuditSchema.SCRIPTS.subList(0, AuditSchema.SCRIPTS.size() - 1));
            AuditRows.insert(before, records);
            AuditSchema.apply(before, AuditSchema.SCRIPTS.subList(AuditSchema.SCRIPTS.size() - 1, AuditSchema.SCRIPTS.size()));
            assertEquals(30, PatientPostings.coveredUpTo(before));
            assertEquals(30, AuditSchema.listed(before));
            assertEquals(expected("p-3"), seqsOf(before, "p-3"));
            assertEquals(0, PatientPostings.firstMissing(before));
        }
    }

    @Test
    void aRecordTakenOutOfItsRunIsHiddenFromSearchesAndVerificationFindsIt() throws SQLException {
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 0, 20), 20);
        // p-3's records up to 20 are 4, 11 and 18; record 4 is taken out of the list.
        execute("UPDATE audit_patient_run SET seqs = ARRAY[11, 18] WHERE patient_id = 'p-3'");
        List<Long> withoutFour = new ArrayList<>(expected("p-3"));
        withoutFour.remove(Long.valueOf(4));
        assertEquals(withoutFour, seqsOf("p-3"), "records up to the run are found through their postings only");
        assertEquals(4, PatientPostings.firstMissing(connection));
    }

    @Test
    void aPatientRemovedFromARunIsFoundInTheRightRun() throws SQLException {
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 0, 10), 10);
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 10, 20), 20);
        assertEquals(0, PatientPostings.firstMissing(connection));
        execute("DELETE FROM audit_patient_run WHERE patient_id = 'p-3' AND last_seq = 20"); // p-3's 11 and 18
        assertEquals(List.of(4L, 25L), seqsOf("p-3"));
        assertEquals(11, PatientPostings.firstMissing(connection));
    }

    @Test
    void aPostingThatNamesAnotherPatientBringsNothingIn() throws SQLException {
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 0, 20), 20);
        execute("UPDATE audit_patient_run SET seqs = ARRAY[4, 6, 11, 18] WHERE patient_id = 'p-3'"); // 6 is p-5's
        assertEquals(expected("p-3"), seqsOf("p-3"));
    }

    @Test
    void retentionRemovesTheRunsOfTheRecordsItRemoves() throws SQLException {
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 0, 10), 10);
        PatientPostings.insertRun(connection, PatientPostings.between(connection, 10, 20), 20);
        PatientPostings.removeUpTo(connection, 15); // the boundary falls inside the second run
        assertEquals(0, AuditSchema.count(connection, "SELECT COUNT(*) FROM audit_patient_run WHERE last_seq <= 10"));
        assertEquals(10, AuditSchema.listed(connection), "the run of 11-20 stays");
        execute("DELETE FROM audit_record WHERE seq <= 15"); // as retention does, in the same transaction
        assertEquals(List.of(18L, 25L), seqsOf("p-3"), "its entry for the removed record 11 matches nothing");
        assertEquals(0, PatientPostings.firstMissing(connection));
    }

    private List<Long> expected(String patient) {
        return records.stream().filter(r -> r.patientId().equals(patient)).map(AuditRecord::sequence).toList();
    }

    private List<Long> seqsOf(String patient) throws SQLException {
        return seqsOf(connection, patient);
    }

    private static List<Long> seqsOf(Connection connection, String patient) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq FROM audit_record WHERE " + PatientPostings.CONDITION + " ORDER BY seq")) {
            org.carehost.store.Paging.bind(select, PatientPostings.parameters(connection, patient));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    seqs.add(rows.getLong(1));
                }
            }
        }
        return seqs;
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
