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
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.carehost.clock.ContainerClock;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.store.Paging;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Appointments in the store, each of an existing patient; parameterised SQL only. */
@Component(service = AppointmentRecords.class)
public final class AppointmentRecords {

    private final Store store;
    static final String TYPE = "Appointment";

    private final EventAdmin events;
    private final PatientRecords patients;
    private final Clock clock;

    private final AtRest atRest;
    private final Opened<Appointment> opened = new Opened<>();

    @Activate
    public AppointmentRecords(@Reference Store store, @Reference EventAdmin events, @Reference PatientRecords patients,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.events = events;
        this.patients = patients;
        this.clock = clock;
        this.atRest = patients.atRest();
    }

    Appointment schedule(String tenant, Appointment appointment) {
        AppointmentRules.check(appointment);
        Appointment stored = appointment.toBuilder().id(UUID.randomUUID().toString()).versionId(1).lastUpdated(now())
                .cancelationReason(null).build();
        String patientId = stored.patientId().orElseThrow();
        try (Connection connection = store.connection()) {
            if (!patients.exists(connection, tenant, patientId)) {
                throw new ValidationException("Appointment", List.of(ValidationIssue.error("Appointment.participant",
                        "Patient/" + PatientRules.printable(patientId) + " does not exist")));
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO appointment (id, version_id, "
                    + "last_updated, patient_id, start_at, end_at, status, resource, tenant) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, stored.id());
                insert.setLong(2, stored.versionId());
                insert.setObject(3, Statements.utc(stored.lastUpdated()));
                insert.setString(4, patientId);
                insert.setObject(5, Statements.utc(stored.start()));
                insert.setObject(6, Statements.utc(stored.end()));
                insert.setString(7, stored.status().code());
                insert.setString(8, atRest.seal(TYPE, stored.id(), FhirJson.write(stored)));
                insert.setString(9, tenant);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw Sql.failure("store the appointment", e);
        }
        post(AppointmentEvents.SCHEDULED, tenant, stored);
        return stored;
    }

    Appointment cancel(String tenant, String id, String reason) {
        Appointment cancelled = change(tenant, id, current -> current.toBuilder().status(AppointmentStatus.CANCELLED)
                .cancelationReason(reason).build());
        post(AppointmentEvents.CANCELLED, tenant, cancelled);
        return cancelled;
    }

    Appointment reschedule(String tenant, String id, Instant newStart) {
        Appointment moved = change(tenant, id, current -> AppointmentRules.movedTo(current, newStart));
        post(AppointmentEvents.RESCHEDULED, tenant, moved);
        return moved;
    }

    /** Reads, changes and writes back one appointment, refusing the write if someone changed it meanwhile. */
    private Appointment change(String tenant, String id, UnaryOperator<Appointment> change) {
        Appointment current = get(tenant, id);
        Appointment changed = change.apply(current);
        AppointmentRules.check(changed);
        Appointment stored = changed.toBuilder().versionId(current.versionId() + 1).lastUpdated(now()).build();
        try (Connection connection = store.connection();
                PreparedStatement update = connection.prepareStatement("UPDATE appointment SET version_id = ?, "
                        + "last_updated = ?, start_at = ?, end_at = ?, status = ?, resource = ? WHERE id = ? AND version_id = ? "
                        + "AND tenant = ?")) {
            update.setLong(1, stored.versionId());
            update.setObject(2, Statements.utc(stored.lastUpdated()));
            update.setObject(3, Statements.utc(stored.start()));
            update.setObject(4, Statements.utc(stored.end()));
            update.setString(5, stored.status().code());
            update.setString(6, atRest.seal(TYPE, id, FhirJson.write(stored)));
            update.setString(7, id);
            update.setLong(8, current.versionId());
            update.setString(9, tenant);
            if (update.executeUpdate() == 0) {
                throw new VersionConflictException("Appointment", id, current.versionId(), get(tenant, id).versionId());
            }
        } catch (SQLException e) {
            throw Sql.failure("update the appointment", e);
        }
        return stored;
    }

    Appointment get(String tenant, String id) {
        if (id == null || id.isBlank()) {
            throw new ResourceNotFoundException("Appointment", String.valueOf(id));
        }
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id, version_id, last_updated, resource FROM appointment WHERE id = ? AND tenant = ?")) {
            select.setString(1, id);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new ResourceNotFoundException("Appointment", id);
                }
                return read(row);
            }
        } catch (SQLException e) {
            throw Sql.failure("read the appointment", e);
        }
    }

    /** {@code more}: further conditions (the care rules' consent exclusion) and their parameters. */
    Page<Appointment> search(String tenant, AppointmentQuery query, String more, List<Object> moreParameters) {
        StringBuilder where = new StringBuilder(" WHERE tenant = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(tenant);
        if (query.patientId() != null) {
            where.append(" AND patient_id = ?");
            parameters.add(query.patientId());
        }
        if (query.from() != null) {
            where.append(" AND start_at >= ?");
            parameters.add(Statements.utc(query.from()));
        }
        if (query.to() != null) {
            where.append(" AND start_at < ?");
            parameters.add(Statements.utc(query.to()));
        }
        where.append(more);
        parameters.addAll(moreParameters);
        try (Connection connection = store.connection()) {
            return Paging.page(connection, "id, version_id, last_updated, resource", "appointment" + where, "start_at, id",
                    parameters, query.offset(), query.limit(), this::read);
        } catch (SQLException e) {
            throw Sql.failure("search appointments", e);
        }
    }

    /** Rows not yet sealed under the current key (a rotation is done when none are left). */
    long staleCount() {
        try (Connection connection = store.connection()) {
            return atRest.staleCount(connection, "appointment");
        } catch (SQLException e) {
            throw Sql.failure("count the appointments left to re-encrypt", e);
        }
    }

    /** Seals up to {@code batch} appointments not sealed under the current key; see {@link PatientRecords#reseal}. */
    int reseal(int batch) {
        int done = 0;
        try (Connection connection = store.connection()) {
            List<String[]> stale = atRest.stale(connection, "appointment", batch);
            for (String[] row : stale) {
                String json = atRest.open(TYPE, row[0], row[1]);
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE appointment SET resource = ? WHERE id = ? AND resource = ?")) {
                    update.setString(1, atRest.seal(TYPE, row[0], json));
                    update.setString(2, row[0]);
                    update.setString(3, row[1]);
                    done += update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("re-encrypt appointments", e);
        }
        return done;
    }

    private Appointment read(ResultSet row) throws SQLException {
        return opened.read(row, (id, version, lastUpdated, stored) -> FhirJson.readAppointment(atRest.open(TYPE, id, stored))
                .toBuilder().id(id).versionId(version).lastUpdated(lastUpdated).build());
    }

    /** After a key was retired: what was opened under it is opened again, and so refused. */
    void forgetOpened() {
        opened.clear();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void post(String topic, String tenant, Appointment appointment) {
        events.postEvent(new Event(topic, Map.of(AppointmentEvents.APPOINTMENT_ID, appointment.id(),
                AppointmentEvents.PATIENT_ID, appointment.patientId().orElse(""), AppointmentEvents.TENANT, tenant,
                AppointmentEvents.START, appointment.start().toString())));
    }
}
