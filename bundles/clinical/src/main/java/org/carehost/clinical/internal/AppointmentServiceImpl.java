package org.carehost.clinical.internal;

import java.time.Instant;
import java.util.Objects;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.resource.Page;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/** {@link AppointmentService} per calling bundle, audited, over the shared {@link AppointmentRecords}. */
@Component(scope = ServiceScope.BUNDLE)
public final class AppointmentServiceImpl implements AppointmentService {

    private static final String TYPE = "Appointment";

    private final AppointmentRecords records;
    private final Audit audit;

    @Activate
    public AppointmentServiceImpl(ComponentContext context, @Reference AppointmentRecords records,
            @Reference AuditLog log,
            @Reference PermissionGuard guard) {
        this.records = records;
        this.audit = new Audit(log, Caller.of(context.getUsingBundle()), guard.grantsOf(context.getUsingBundle()));
    }

    private static Subject subject(Appointment appointment) {
        return new Subject(TYPE, appointment.id(), appointment.patientId().orElse(null));
    }

    @Override
    public Appointment schedule(Appointment appointment) {
        Objects.requireNonNull(appointment, "appointment");
        return audit.call(Permission.WRITE_APPOINTMENTS, AuditAction.CREATE, "AppointmentService.schedule", null,
                new Subject(TYPE, null, appointment.patientId().orElse(null)),
                () -> records.schedule(appointment), AppointmentServiceImpl::subject);
    }

    @Override
    public Appointment cancel(String id, String reason) {
        return audit.call(Permission.WRITE_APPOINTMENTS, AuditAction.UPDATE, "AppointmentService.cancel",
                null, new Subject(TYPE, id, null),
                () -> records.cancel(id, reason), AppointmentServiceImpl::subject);
    }

    @Override
    public Appointment reschedule(String id, Instant newStart) {
        return audit.call(Permission.WRITE_APPOINTMENTS, AuditAction.UPDATE, "AppointmentService.reschedule",
                null, new Subject(TYPE, id, null),
                () -> records.reschedule(id, newStart), AppointmentServiceImpl::subject);
    }

    @Override
    public Appointment get(String id) {
        return audit.call(Permission.READ_APPOINTMENTS, AuditAction.READ, "AppointmentService.get",
                null, new Subject(TYPE, id, null),
                () -> records.get(id), AppointmentServiceImpl::subject);
    }

    @Override
    public Page<Appointment> search(AppointmentQuery query) {
        Objects.requireNonNull(query, "query");
        Page<Appointment> page = audit.call(Permission.READ_APPOINTMENTS, AuditAction.EXECUTE,
                "AppointmentService.search", query.toString(),
                new Subject(TYPE, null, query.patientId()), () -> records.search(query), null);
        page.items().forEach(appointment -> appointment.patientId().ifPresent(audit::touched));
        return page;
    }
}
