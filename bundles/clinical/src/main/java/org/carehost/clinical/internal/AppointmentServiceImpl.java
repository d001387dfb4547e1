package org.carehost.clinical.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.Stored;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link AppointmentService} per calling bundle, in its care context, audited, over the shared
 * {@link AppointmentRecords}. A call that reaches an appointment's patient passes the care rules for that
 * patient before it changes or returns anything; results are minimised for the purpose of use last, so the
 * audit record names the real patient.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class AppointmentServiceImpl implements AppointmentService {

    private static final String TYPE = "Appointment";

    private final AppointmentRecords records;
    private final CareRules care;
    private final Audit audit;
    private final Validation validation;

    @Activate
    public AppointmentServiceImpl(ComponentContext context, @Reference AppointmentRecords records,
            @Reference AuditLog log, @Reference PermissionGuard guard, @Reference CareRules care,
            @Reference Validation validation) {
        this.records = records;
        this.care = care;
        this.validation = validation;
        this.audit = new Audit(log, Caller.of(context.getUsingBundle(), guard), guard.grantsOf(context.getUsingBundle()), care);
    }

    private static Subject subject(Appointment appointment) {
        return new Subject(TYPE, appointment.id(), appointment.patientId().orElse(null));
    }

    @Override
    public Appointment schedule(Appointment appointment) {
        return scheduleWithWarnings(appointment).resource();
    }

    @Override
    public Stored<Appointment> scheduleWithWarnings(Appointment appointment) {
        Objects.requireNonNull(appointment, "appointment");
        Appointment[] stored = new Appointment[1];
        Validation.Verdicts[] verdicts = new Validation.Verdicts[1];
        Appointment scheduled = audit.callNoted(Permission.WRITE_APPOINTMENTS, AuditAction.CREATE,
                "AppointmentService.schedule", () -> verdicts[0] == null ? null : verdicts[0].auditText(),
                new Subject(TYPE, null, appointment.patientId().orElse(null)), access -> {
                    care.writable(access);
                    verdicts[0] = validation.check(Appointment.class, TYPE, appointment, access.context());
                    verdicts[0].requireNoErrors();
                    stored[0] = records.schedule(access.tenant(), appointment);
                    return care.minimise(access, stored[0]);
                }, result -> subject(stored[0]));
        return new Stored<>(scheduled, verdicts[0].warnings());
    }

    @Override
    public Appointment cancel(String id, String reason) {
        Appointment[] stored = new Appointment[1];
        return audit.call(Permission.WRITE_APPOINTMENTS, AuditAction.UPDATE, "AppointmentService.cancel",
                null, new Subject(TYPE, id, null), access -> {
                    care.writable(access);
                    care.admit(access, records.get(access.tenant(), id).patientId().orElse(null));
                    stored[0] = records.cancel(access.tenant(), id, reason);
                    return care.minimise(access, stored[0]);
                }, result -> subject(stored[0]));
    }

    @Override
    public Appointment reschedule(String id, Instant newStart) {
        return rescheduleWithWarnings(id, newStart).resource();
    }

    /** The validators see the appointment as it will be: its stored self at the new start (same length). */
    @Override
    public Stored<Appointment> rescheduleWithWarnings(String id, Instant newStart) {
        Appointment[] stored = new Appointment[1];
        Validation.Verdicts[] verdicts = new Validation.Verdicts[1];
        Appointment moved = audit.callNoted(Permission.WRITE_APPOINTMENTS, AuditAction.UPDATE,
                "AppointmentService.reschedule", () -> verdicts[0] == null ? null : verdicts[0].auditText(),
                new Subject(TYPE, id, null), access -> {
                    care.writable(access);
                    Appointment current = records.get(access.tenant(), id);
                    care.admit(access, current.patientId().orElse(null));
                    verdicts[0] = validation.check(Appointment.class, TYPE, AppointmentRules.movedTo(current, newStart),
                            access.context());
                    verdicts[0].requireNoErrors();
                    stored[0] = records.reschedule(access.tenant(), id, newStart);
                    return care.minimise(access, stored[0]);
                }, result -> subject(stored[0]));
        return new Stored<>(moved, verdicts[0].warnings());
    }

    @Override
    public Appointment get(String id) {
        Appointment[] stored = new Appointment[1];
        return audit.call(Permission.READ_APPOINTMENTS, AuditAction.READ, "AppointmentService.get",
                null, new Subject(TYPE, id, null), access -> {
                    stored[0] = records.get(access.tenant(), id);
                    care.admit(access, stored[0].patientId().orElse(null));
                    return care.minimise(access, stored[0]);
                }, result -> subject(stored[0]));
    }

    @Override
    public Page<Appointment> search(AppointmentQuery query) {
        Objects.requireNonNull(query, "query");
        return audit.call(Permission.READ_APPOINTMENTS, AuditAction.EXECUTE,
                "AppointmentService.search", query.toString(),
                new Subject(TYPE, null, query.patientId()), access -> {
                    List<Object> parameters = new ArrayList<>();
                    String consent = care.consentExclusion(access, "appointment.patient_id", "appointment.tenant", parameters);
                    Page<Appointment> page = records.search(access.tenant(), query, consent, parameters);
                    page.items().forEach(appointment -> appointment.patientId().ifPresent(audit::touched));
                    return new Page<>(page.items().stream().map(a -> care.minimise(access, a)).toList(),
                            page.total(), page.offset(), page.limit());
                }, null);
    }
}
