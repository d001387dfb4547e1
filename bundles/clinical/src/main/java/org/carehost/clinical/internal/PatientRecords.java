package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.carehost.clock.ContainerClock;
import org.carehost.crypto.PhiCipher;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Patients in the store, each in one tenant: every read and write names the tenant, so one hospital's calls
 * never reach another's rows. The sealed FHIR JSON is the record; the name and identifier indexes (keyed
 * hashes, see {@link AtRest}) are written in the same transaction. Every query is parameterised. This class is
 * the one-patient-a-call part (create, read, update, re-seal) and the import's all-or-nothing {@link #storeAll};
 * the rows themselves are written and read by {@link PatientRows}, and searches are built by {@link PatientSearch}.
 */
@Component(service = PatientRecords.class)
public final class PatientRecords {

    static final String TYPE = "Patient";

    private final Store store;
    private final EventAdmin events;
    private final Clock clock;
    private final PatientRules rules;
    private final AtRest atRest;
    private final Opened<Patient> opened = new Opened<>();
    private final PatientRows rows;
    private final PatientSearch search;

    @Activate
    public PatientRecords(@Reference Store store, @Reference EventAdmin events, @Reference PhiCipher cipher,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.rules = new PatientRules(clock);
        this.atRest = new AtRest(cipher);
        this.rows = new PatientRows(atRest, opened, this::now, store.dialect() == Store.Dialect.POSTGRESQL);
        this.search = new PatientSearch(store, atRest, rows);
    }

    AtRest atRest() {
        return atRest;
    }

    Patient create(String tenant, Patient patient) {
        rules.check(patient);
        Patient stored;
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            stored = rows.insert(connection, tenant, patient, false);
            connection.commit();
        } catch (SQLException e) {
            throw Sql.failure("store the patient", e);
        }
        post(PatientEvents.CREATED, tenant, stored);
        return stored;
    }

    /** One write of {@link #storeAll}: a new patient ({@code id} null) or a replacement of {@code id}. */
    record Write(String id, Patient patient) {
    }

    /**
     * Stores every write in one transaction (all or nothing: a version conflict or a store failure on any leaves
     * nothing stored) and posts their events once it is committed; returns the stored patients in order. A new
     * patient whose medical record number another patient of the tenant holds (stored since the import looked it
     * up) is refused with {@link PatientRows.MedicalRecordNumberTakenException}: never a second patient.
     */
    List<Patient> storeAll(String tenant, List<Write> writes) {
        writes.forEach(write -> rules.check(write.patient()));
        List<Patient> stored = new ArrayList<>();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                for (Write write : writes) {
                    stored.add(write.id() == null ? rows.insert(connection, tenant, write.patient(), true)
                            : rows.replace(connection, tenant, write.id(), write.patient()));
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Sql.failure("store the patients", e);
        }
        for (int i = 0; i < stored.size(); i++) {
            post(writes.get(i).id() == null ? PatientEvents.CREATED : PatientEvents.UPDATED, tenant, stored.get(i));
        }
        return stored;
    }

    /** See {@link PatientSearch#withMedicalRecordNumber}: the record an import updates. */
    List<Patient> withMedicalRecordNumber(String tenant, Identifier mrn) {
        return search.withMedicalRecordNumber(tenant, mrn);
    }

    Patient get(String tenant, String id) {
        if (id == null || id.isBlank()) {
            throw new ResourceNotFoundException(TYPE, String.valueOf(id));
        }
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + PatientRows.COLUMNS
                        + " FROM patient p WHERE p.id = ? AND p.tenant = ?")) {
            select.setString(1, id);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException(TYPE, id);
                }
                return rows.read(row);
            }
        } catch (SQLException e) {
            throw Sql.failure("read the patient", e);
        }
    }

    boolean exists(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM patient WHERE id = ? AND tenant = ?")) {
            select.setString(1, id);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    Patient update(String tenant, String id, Patient changed) {
        rules.check(changed);
        Patient stored;
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                stored = rows.replace(connection, tenant, id, changed);
            } catch (VersionConflictException | ResourceNotFoundException e) {
                connection.rollback();
                throw e;
            }
            connection.commit();
        } catch (SQLException e) {
            throw Sql.failure("update the patient", e);
        }
        post(PatientEvents.UPDATED, tenant, stored);
        return stored;
    }

    /** See {@link PatientSearch#search}. */
    Page<Patient> search(String tenant, PatientQuery query, String more, List<Object> moreParameters) {
        return search.search(tenant, query, more, moreParameters);
    }

    /** See {@link PatientSearch#withIdentifierInAnyTenant}. */
    List<Patient> withIdentifierInAnyTenant(String system, String value, String plugin) {
        return search.withIdentifierInAnyTenant(system, value, plugin);
    }

    long count() {
        try (Connection connection = store.connection();
                PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM patient");
                ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw Sql.failure("count patients", e);
        }
    }

    /** Rows not yet sealed under the current key (a rotation is done when none are left). */
    long staleCount() {
        try (Connection connection = store.connection()) {
            return atRest.staleCount(connection, "patient");
        } catch (SQLException e) {
            throw Sql.failure("count the patients left to re-encrypt", e);
        }
    }

    /**
     * Seals up to {@code batch} rows that are not sealed under the current key (a key rotation, or rows from
     * before encryption) and rebuilds their indexes; returns how many. Each row is its own transaction and
     * checks the resource it read is still there, so this can run beside the services and be interrupted
     * at any point: what is done stays done.
     */
    int reseal(int batch) {
        int done = 0;
        try (Connection connection = store.connection()) {
            List<String[]> stale = atRest.stale(connection, "patient", batch);
            for (String[] row : stale) {
                Patient patient = FhirJson.readPatient(atRest.open(TYPE, row[0], row[1])).toBuilder().id(row[0]).build();
                connection.setAutoCommit(false);
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE patient SET resource = ? WHERE id = ? AND resource = ?")) {
                    update.setString(1, atRest.seal(TYPE, row[0], FhirJson.write(patient)));
                    update.setString(2, row[0]);
                    update.setString(3, row[1]);
                    if (update.executeUpdate() == 1) {
                        PatientRows.deleteIndexes(connection, row[0]);
                        rows.writeIndexes(connection, patient, false);
                        done++;
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("re-encrypt patients", e);
        }
        return done;
    }

    /** After a key was retired: what was opened under it is opened again, and so refused. */
    void forgetOpened() {
        opened.clear();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void post(String topic, String tenant, Patient patient) {
        events.postEvent(new Event(topic, Map.of(PatientEvents.PATIENT_ID, patient.id(),
                PatientEvents.VERSION, patient.versionId(), PatientEvents.TENANT, tenant)));
    }
}
