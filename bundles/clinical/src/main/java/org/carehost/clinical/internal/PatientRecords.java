package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

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
import org.carehost.store.Paging;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Patients in the store, each in one tenant: every read and write names the tenant, so one hospital's calls
 * never reach another's rows. The sealed FHIR JSON is the record; the name and identifier indexes (keyed
 * hashes, see {@link AtRest}) are written in the same transaction. Every query is parameterised.
 */
@Component(service = PatientRecords.class)
public final class PatientRecords {

    static final String TYPE = "Patient";
    /**
     * Names are sealed, so the store cannot sort by them: a search matching up to this many patients is read
     * whole, opened and sorted by family name, given names, id; a larger one comes in id order (a narrower
     * search gets name order back).
     */
    static final int SORTED_UP_TO = 2000;
    private static final Comparator<Patient> BY_NAME = Comparator
            .comparing((Patient p) -> p.name().map(n -> n.family() == null ? null : n.family().toLowerCase(Locale.ROOT))
                    .orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.name().map(n -> String.join(" ", n.given()).toLowerCase(Locale.ROOT)).orElse(""))
            .thenComparing(Patient::id);
    private static final String COLUMNS = "p.id, p.version_id, p.last_updated, p.resource";

    private final Store store;
    private final EventAdmin events;
    private final Clock clock;
    private final PatientRules rules;
    private final AtRest atRest;
    private final Opened<Patient> opened = new Opened<>();

    @Activate
    public PatientRecords(@Reference Store store, @Reference EventAdmin events, @Reference PhiCipher cipher,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.rules = new PatientRules(clock);
        this.atRest = new AtRest(cipher);
    }

    AtRest atRest() {
        return atRest;
    }

    Patient create(String tenant, Patient patient) {
        rules.check(patient);
        Patient stored;
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            stored = insert(connection, tenant, patient);
            connection.commit();
        } catch (SQLException e) {
            throw Sql.failure("store the patient", e);
        }
        post(PatientEvents.CREATED, tenant, stored);
        return stored;
    }

    private Patient insert(Connection connection, String tenant, Patient patient) throws SQLException {
        Patient stored = patient.toBuilder().id(UUID.randomUUID().toString()).versionId(1).lastUpdated(now()).build();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO patient "
                + "(id, version_id, last_updated, birth_date, resource, tenant) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, stored.id());
            insert.setLong(2, stored.versionId());
            insert.setObject(3, Sql.utc(stored.lastUpdated()));
            insert.setObject(4, stored.birthDate());
            insert.setString(5, atRest.seal(TYPE, stored.id(), FhirJson.write(stored)));
            insert.setString(6, tenant);
            insert.executeUpdate();
        }
        writeIndexes(connection, stored);
        return stored;
    }

    /** One write of {@link #storeAll}: a new patient ({@code id} null) or a replacement of {@code id}. */
    record Write(String id, Patient patient) {
    }

    /**
     * Stores every write in one transaction (all or nothing: a version conflict or a store failure on any leaves
     * nothing stored) and posts their events once it is committed; returns the stored patients in order.
     */
    List<Patient> storeAll(String tenant, List<Write> writes) {
        writes.forEach(write -> rules.check(write.patient()));
        List<Patient> stored = new ArrayList<>();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                for (Write write : writes) {
                    stored.add(write.id() == null ? insert(connection, tenant, write.patient())
                            : replace(connection, tenant, write.id(), write.patient()));
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

    /**
     * The patients of the tenant whose medical record number is {@code mrn} (same system and value; identifiers of
     * other types with the same value do not count). Consent does not hide a patient here: this finds the record an
     * import updates.
     */
    List<Patient> withMedicalRecordNumber(String tenant, Identifier mrn) {
        List<String> indexes = atRest.identifierIndexes(mrn.value());
        List<Patient> found = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p WHERE "
                        + "p.tenant = ? AND p.id IN (SELECT i.patient_id FROM patient_identifier i WHERE i.id_system = ? "
                        + "AND i.id_type = ? AND i.id_value IN (" + marks(indexes.size()) + ")) ORDER BY p.id")) {
            select.setString(1, tenant);
            select.setString(2, mrn.system());
            select.setString(3, Identifier.MEDICAL_RECORD_NUMBER);
            for (int i = 0; i < indexes.size(); i++) {
                select.setString(i + 4, indexes.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Patient patient = read(rows);
                    if (patient.medicalRecordNumber().filter(mrn::equals).isPresent()) {
                        found.add(patient);
                    }
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("look the patient up by medical record number", e);
        }
        return found;
    }

    Patient get(String tenant, String id) {
        if (id == null || id.isBlank()) {
            throw new ResourceNotFoundException(TYPE, String.valueOf(id));
        }
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                        + " FROM patient p WHERE p.id = ? AND p.tenant = ?")) {
            select.setString(1, id);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException(TYPE, id);
                }
                return read(row);
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
                stored = replace(connection, tenant, id, changed);
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

    private Patient replace(Connection connection, String tenant, String id, Patient changed) throws SQLException {
        Patient stored = changed.toBuilder().id(id).versionId(changed.versionId() + 1).lastUpdated(now()).build();
        int updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE patient SET version_id = ?, "
                + "last_updated = ?, birth_date = ?, resource = ? WHERE id = ? AND version_id = ? AND tenant = ?")) {
            update.setLong(1, stored.versionId());
            update.setObject(2, Sql.utc(stored.lastUpdated()));
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
        writeIndexes(connection, stored);
        return stored;
    }

    /**
     * {@code more}: further conditions over {@code p} (the care rules' consent exclusion) and their parameters.
     * Results come ordered by name (see {@link #SORTED_UP_TO}).
     */
    Page<Patient> search(String tenant, PatientQuery query, String more, List<Object> moreParameters) {
        StringBuilder where = new StringBuilder(" WHERE p.tenant = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(tenant);
        if (query.name() != null && !query.name().isBlank()) {
            List<String> indexes = atRest.namePrefixIndexes(query.name());
            // IN (subquery) rather than a correlated EXISTS: both databases drive it from the index on ix.
            where.append(" AND p.id IN (SELECT n.patient_id FROM patient_name_ix n WHERE n.ix IN (")
                    .append(marks(indexes.size())).append("))");
            parameters.addAll(indexes);
        }
        if (query.birthDate() != null) {
            where.append(" AND p.birth_date = ?");
            parameters.add(query.birthDate());
        }
        if (query.identifier() != null && !query.identifier().isBlank()) {
            String identifier = query.identifier().strip();
            int bar = identifier.indexOf('|');
            List<String> indexes = atRest.identifierIndexes(bar < 0 ? identifier : identifier.substring(bar + 1));
            where.append(" AND p.id IN (SELECT i.patient_id FROM patient_identifier i WHERE i.id_value IN (")
                    .append(marks(indexes.size())).append(')');
            parameters.addAll(indexes);
            if (bar > 0) {
                where.append(" AND i.id_system = ?");
                parameters.add(identifier.substring(0, bar));
            }
            where.append(')');
        }
        where.append(more);
        parameters.addAll(moreParameters);
        try (Connection connection = store.connection()) {
            long total = count(connection, "patient p" + where, parameters);
            if (total > SORTED_UP_TO) {
                return Paging.page(connection, COLUMNS, "patient p" + where, "p.id", parameters, query.offset(),
                        query.limit(), this::read);
            }
            List<Patient> all = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p" + where)) {
                bind(select, parameters);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        all.add(read(rows));
                    }
                }
            }
            all.sort(BY_NAME);
            int from = Math.min(query.offset(), all.size());
            return new Page<>(all.subList(from, Math.min(from + query.limit(), all.size())), all.size(), query.offset(),
                    query.limit());
        } catch (SQLException e) {
            throw Sql.failure("search patients", e);
        }
    }

    private static long count(Connection connection, String from, List<Object> parameters) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + from)) {
            bind(count, parameters);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    /** Patients of every tenant with this identifier (cross-tenant lookup, for treatment), at most 100. */
    /** Patients who opted out of {@code plugin} are left out, in every tenant. */
    List<Patient> withIdentifierInAnyTenant(String system, String value, String plugin) {
        List<String> indexes = atRest.identifierIndexes(value);
        List<Patient> found = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p WHERE "
                        + "EXISTS (SELECT 1 FROM patient_identifier i WHERE i.patient_id = p.id AND i.id_system = ? "
                        + "AND i.id_value IN (" + marks(indexes.size()) + ")) AND NOT EXISTS (SELECT 1 FROM consent_directive c "
                        + "WHERE c.tenant = p.tenant AND c.patient_id = p.id AND c.kind = 'plugin' AND c.plugin = ?) "
                        + "ORDER BY p.tenant, p.id LIMIT 100")) {
            select.setString(1, system);
            for (int i = 0; i < indexes.size(); i++) {
                select.setString(i + 2, indexes.get(i));
            }
            select.setString(indexes.size() + 2, plugin);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(read(rows));
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("look the patient up across tenants", e);
        }
        return found;
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
                        deleteIndexes(connection, row[0]);
                        writeIndexes(connection, patient);
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

    private long currentVersion(Connection connection, String tenant, String id) throws SQLException {
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

    private static void deleteIndexes(Connection connection, String id) throws SQLException {
        for (String table : List.of("patient_identifier", "patient_name_ix")) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE patient_id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
        }
    }

    private void writeIndexes(Connection connection, Patient patient) throws SQLException {
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
    }

    private Patient read(ResultSet row) throws SQLException {
        return opened.read(row, (id, version, lastUpdated, stored) -> FhirJson.readPatient(atRest.open(TYPE, id, stored))
                .toBuilder().id(id).versionId(version).lastUpdated(lastUpdated).build());
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
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
