package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.store.Statements;

/**
 * The rows of one patient, written inside a transaction the caller holds: the sealed record in {@code patient} and
 * its keyed-hash indexes ({@code patient_identifier}, {@code patient_name_ix}), always written together; and a row
 * read back into a {@link Patient}. {@link PatientRecords} (one patient a call), its import path ({@link
 * PatientRecords#storeAll}) and {@link PatientSearch} share these, so that a patient is written and read one way.
 */
final class PatientRows {

    static final String TYPE = PatientRecords.TYPE;
    /** The columns {@link #read} takes, in its order, of a query over {@code patient p}. */
    static final String COLUMNS = "p.id, p.version_id, p.last_updated, p.resource";

    private final AtRest atRest;
    private final Opened<Patient> opened;
    private final Supplier<Instant> now;
    /** PostgreSQL ends a transaction at a failed statement unless it was under a savepoint; H2 does not. */
    private final boolean failedStatementAborts;

    /**
     * {@code now}: the time a write stamps on the patient ({@link PatientRecords}'s clock); {@code postgres}: whether
     * the store is PostgreSQL.
     */
    PatientRows(AtRest atRest, Opened<Patient> opened, Supplier<Instant> now, boolean postgres) {
        this.atRest = atRest;
        this.opened = opened;
        this.now = now;
        this.failedStatementAborts = postgres;
    }

    /**
     * A new patient of {@code tenant}: a fresh id, version 1. {@code mrnMustBeFree}: another patient of the tenant
     * holding one of its medical record numbers refuses the write ({@link MedicalRecordNumberTakenException}) instead of
     * leaving the number's claim with that patient (see {@link #claimMedicalRecordNumbers}).
     */
    Patient insert(Connection connection, String tenant, Patient patient, boolean mrnMustBeFree) throws SQLException {
        Patient stored = patient.toBuilder().id(UUID.randomUUID().toString()).versionId(1).lastUpdated(now.get()).build();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO patient "
                + "(id, version_id, last_updated, birth_date, resource, tenant) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, stored.id());
            insert.setLong(2, stored.versionId());
            insert.setObject(3, Statements.utc(stored.lastUpdated()));
            insert.setObject(4, stored.birthDate());
            insert.setString(5, atRest.seal(TYPE, stored.id(), FhirJson.write(stored)));
            insert.setString(6, tenant);
            insert.executeUpdate();
        }
        writeIndexes(connection, stored, mrnMustBeFree);
        return stored;
    }

    /**
     * The next version of patient {@code id}, if {@code changed} carries the version stored now; else a {@link
     * VersionConflictException} (or {@link ResourceNotFoundException} when there is no such patient in the tenant).
     */
    Patient replace(Connection connection, String tenant, String id, Patient changed) throws SQLException {
        Patient stored = changed.toBuilder().id(id).versionId(changed.versionId() + 1).lastUpdated(now.get()).build();
        int updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE patient SET version_id = ?, "
                + "last_updated = ?, birth_date = ?, resource = ? WHERE id = ? AND version_id = ? AND tenant = ?")) {
            update.setLong(1, stored.versionId());
            update.setObject(2, Statements.utc(stored.lastUpdated()));
            update.setObject(3, stored.birthDate());
            update.setString(4, atRest.seal(TYPE, id, FhirJson.write(stored)));
            update.setString(5, id);
            update.setLong(6, changed.versionId());
            update.setString(7, tenant);
            updated = update.executeUpdate();
        }
        if (updated == 0) {
            long current = currentVersion(connection, tenant, id);
            throw new VersionConflictException(TYPE, id, changed.versionId(), current);
        }
        deleteIndexes(connection, id);
        writeIndexes(connection, stored, false);
        return stored;
    }

    private static long currentVersion(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version_id FROM patient WHERE id = ? AND tenant = ?")) {
            select.setString(1, id);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException(TYPE, id);
                }
                return row.getLong(1);
            }
        }
    }

    static void deleteIndexes(Connection connection, String id) throws SQLException {
        for (String table : List.of("patient_identifier", "patient_name_ix", "patient_mrn")) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE patient_id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
        }
    }

    /** The patient's identifier and name indexes, and the claims of its medical record numbers. */
    void writeIndexes(Connection connection, Patient patient, boolean mrnMustBeFree) throws SQLException {
        if (!patient.identifiers().isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO patient_identifier (patient_id, id_system, id_value, id_type) VALUES (?, ?, ?, ?)")) {
                for (Identifier identifier : patient.identifiers()) {
                    insert.setString(1, patient.id());
                    insert.setString(2, identifier.system());
                    insert.setString(3, atRest.identifierIndex(identifier.value()));
                    insert.setString(4, identifier.type());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO patient_name_ix (patient_id, ix) VALUES (?, ?)")) {
            for (String index : atRest.nameIndexes(patient)) {
                insert.setString(1, patient.id());
                insert.setString(2, index);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        claimMedicalRecordNumbers(connection, patient, mrnMustBeFree);
    }

    /**
     * Claims each medical record number of the patient (by system and keyed hash, under every key still in use) in
     * {@code patient_mrn}, where no other patient of its tenant holds it. A number another patient holds stays
     * theirs: with {@code mustBeFree} the write is refused; else this patient is stored without the claim (what
     * {@code PatientService} has always allowed). Two transactions claiming one number at the same moment meet the
     * table's primary key: the second is refused, or goes without the claim.
     */
    private void claimMedicalRecordNumbers(Connection connection, Patient patient, boolean mustBeFree)
            throws SQLException {
        Set<Identifier> numbers = new LinkedHashSet<>();
        for (Identifier identifier : patient.identifiers()) {
            if (identifier.isMedicalRecordNumber() && identifier.system() != null && identifier.value() != null) {
                numbers.add(new Identifier(identifier.system(), identifier.value(), Identifier.MEDICAL_RECORD_NUMBER));
            }
        }
        for (Identifier number : numbers) {
            List<String> indexes = atRest.identifierIndexes(number.value());
            Savepoint before = failedStatementAborts && !mustBeFree ? connection.setSavepoint() : null;
            int claimed;
            try (PreparedStatement claim = connection.prepareStatement("INSERT INTO patient_mrn "
                    + "(tenant, id_system, id_value, patient_id) SELECT p.tenant, ?, ?, p.id FROM patient p WHERE p.id = ? "
                    + "AND NOT EXISTS (SELECT 1 FROM patient_mrn m WHERE m.tenant = p.tenant AND m.id_system = ? "
                    + "AND m.id_value IN (" + String.join(", ", Collections.nCopies(indexes.size(), "?")) + "))")) {
                claim.setString(1, number.system());
                claim.setString(2, atRest.identifierIndex(number.value()));
                claim.setString(3, patient.id());
                claim.setString(4, number.system());
                for (int i = 0; i < indexes.size(); i++) {
                    claim.setString(i + 5, indexes.get(i));
                }
                claimed = claim.executeUpdate();
            } catch (SQLException e) {
                boolean taken = "23505".equals(e.getSQLState());
                if (taken && mustBeFree) {
                    throw new MedicalRecordNumberTakenException(number);
                }
                if (!taken) {
                    throw e;
                }
                if (before != null) {
                    connection.rollback(before);
                }
                claimed = 0;
            }
            if (before != null) {
                connection.releaseSavepoint(before);
            }
            if (claimed == 0 && mustBeFree) {
                throw new MedicalRecordNumberTakenException(number);
            }
        }
    }

    /** The patient of a row selected with {@link #COLUMNS}. */
    Patient read(ResultSet row) throws SQLException {
        return opened.read(row, (id, version, lastUpdated, stored) -> FhirJson.readPatient(atRest.open(TYPE, id, stored))
                .toBuilder().id(id).versionId(version).lastUpdated(lastUpdated).build());
    }

    /** A new patient's medical record number that another patient of the tenant already holds; nothing is stored. */
    static final class MedicalRecordNumberTakenException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MedicalRecordNumberTakenException(Identifier number) {
            super("another patient of the tenant already has this medical record number (" + number.system()
                    + "), stored at the same moment or not as its first one; nothing was stored: import it again to "
                    + "update that patient, or check the identifier");
        }
    }
}
