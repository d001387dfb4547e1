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
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.carehost.sdk.event.PatientEvents;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.HumanName;
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
 * Patients in the store. The FHIR JSON is the record; the search columns and identifier rows are written
 * in the same transaction. Every query is parameterised: input is data, never SQL.
 */
@Component(service = PatientRecords.class)
public final class PatientRecords {

    private static final String COLUMNS = "id, version_id, last_updated, resource";

    private final Store store;
    private final EventAdmin events;
    private final Clock clock;
    private final PatientRules rules;

    @Activate
    public PatientRecords(@Reference Store store, @Reference EventAdmin events) {
        this(store, events, Clock.systemUTC());
    }

    PatientRecords(Store store, EventAdmin events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.rules = new PatientRules(clock);
    }

    Patient create(Patient patient) {
        rules.check(patient);
        Patient stored = patient.toBuilder().id(UUID.randomUUID().toString()).versionId(1).lastUpdated(now()).build();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO patient "
                    + "(id, version_id, last_updated, family_lc, given_lc, birth_date, resource) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, stored.id());
                insert.setLong(2, stored.versionId());
                bindSearchColumns(insert, 3, stored);
                insert.executeUpdate();
            }
            writeIdentifiers(connection, stored);
            connection.commit();
        } catch (SQLException e) {
            throw Sql.failure("store the patient", e);
        }
        post(PatientEvents.CREATED, stored);
        return stored;
    }

    Patient get(String id) {
        if (id == null || id.isBlank()) {
            throw new ResourceNotFoundException("Patient", String.valueOf(id));
        }
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException("Patient", id);
                }
                return read(row);
            }
        } catch (SQLException e) {
            throw Sql.failure("read the patient", e);
        }
    }

    boolean exists(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM patient WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    Patient update(String id, Patient changed) {
        rules.check(changed);
        Patient stored = changed.toBuilder().id(id).versionId(changed.versionId() + 1).lastUpdated(now()).build();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            int updated;
            try (PreparedStatement update = connection.prepareStatement("UPDATE patient SET version_id = ?, "
                    + "last_updated = ?, family_lc = ?, given_lc = ?, birth_date = ?, resource = ? WHERE id = ? AND version_id = ?")) {
                update.setLong(1, stored.versionId());
                bindSearchColumns(update, 2, stored);
                update.setString(7, id);
                update.setLong(8, changed.versionId());
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                connection.rollback();
                long current = currentVersion(connection, id);
                throw new VersionConflictException("Patient", id, changed.versionId(), current);
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM patient_identifier WHERE patient_id = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
            writeIdentifiers(connection, stored);
            connection.commit();
        } catch (SQLException e) {
            throw Sql.failure("update the patient", e);
        }
        post(PatientEvents.UPDATED, stored);
        return stored;
    }

    Page<Patient> search(PatientQuery query) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.name() != null && !query.name().isBlank()) {
            String prefix = query.name().strip().toLowerCase(Locale.ROOT);
            where.append(" AND (p.family_lc LIKE ? ESCAPE '\\' OR p.given_lc LIKE ? ESCAPE '\\')");
            parameters.add(Sql.startsWith(prefix));
            parameters.add("% " + Sql.startsWith(prefix));
        }
        if (query.birthDate() != null) {
            where.append(" AND p.birth_date = ?");
            parameters.add(query.birthDate());
        }
        if (query.identifier() != null && !query.identifier().isBlank()) {
            String identifier = query.identifier().strip();
            int bar = identifier.indexOf('|');
            where.append(" AND EXISTS (SELECT 1 FROM patient_identifier i WHERE i.patient_id = p.id AND i.id_value = ?");
            parameters.add(bar < 0 ? identifier : identifier.substring(bar + 1));
            if (bar > 0) {
                where.append(" AND i.id_system = ?");
                parameters.add(identifier.substring(0, bar));
            }
            where.append(')');
        }
        try (Connection connection = store.connection()) {
            return Paging.page(connection, "p.id, p.version_id, p.last_updated, p.resource", "patient p" + where,
                    "p.family_lc, p.given_lc, p.id", parameters, query.offset(), query.limit(), PatientRecords::read);
        } catch (SQLException e) {
            throw Sql.failure("search patients", e);
        }
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

    private long currentVersion(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT version_id FROM patient WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException("Patient", id);
                }
                return row.getLong(1);
            }
        }
    }

    private void bindSearchColumns(PreparedStatement statement, int first, Patient patient) throws SQLException {
        statement.setObject(first, Sql.utc(patient.lastUpdated()));
        HumanName name = patient.name().orElse(null);
        statement.setString(first + 1, name == null || name.family() == null ? null : name.family().toLowerCase(Locale.ROOT));
        statement.setString(first + 2, name == null ? null
                : " " + String.join(" ", name.given()).toLowerCase(Locale.ROOT));
        statement.setObject(first + 3, patient.birthDate());
        statement.setString(first + 4, FhirJson.write(patient));
    }

    private static void writeIdentifiers(Connection connection, Patient patient) throws SQLException {
        if (patient.identifiers().isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO patient_identifier (patient_id, id_system, id_value, id_type) VALUES (?, ?, ?, ?)")) {
            for (Identifier identifier : patient.identifiers()) {
                insert.setString(1, patient.id());
                insert.setString(2, identifier.system());
                insert.setString(3, identifier.value());
                insert.setString(4, identifier.type());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static Patient read(ResultSet row) throws SQLException {
        Patient patient = FhirJson.readPatient(row.getString(4));
        return patient.toBuilder().id(row.getString(1)).versionId(row.getLong(2))
                .lastUpdated(row.getObject(3, java.time.OffsetDateTime.class).toInstant()).build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void post(String topic, Patient patient) {
        events.postEvent(new Event(topic, Map.of(PatientEvents.PATIENT_ID, patient.id(),
                PatientEvents.VERSION, patient.versionId())));
    }
}
