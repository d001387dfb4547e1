package org.carehost.clinical.internal;

import java.time.Instant;
import java.util.Objects;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.resource.Page;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/** {@link AppointmentService} per calling bundle, over the shared {@link AppointmentRecords}. */
@Component(scope = ServiceScope.BUNDLE)
public final class AppointmentServiceImpl implements AppointmentService {

    private final Caller caller;
    private final AppointmentRecords records;

    @Activate
    public AppointmentServiceImpl(ComponentContext context, @Reference AppointmentRecords records) {
        this.caller = Caller.of(context.getUsingBundle());
        this.records = records;
    }

    Caller caller() {
        return caller;
    }

    @Override
    public Appointment schedule(Appointment appointment) {
        return records.schedule(Objects.requireNonNull(appointment, "appointment"));
    }

    @Override
    public Appointment cancel(String id, String reason) {
        return records.cancel(id, reason);
    }

    @Override
    public Appointment reschedule(String id, Instant newStart) {
        return records.reschedule(id, newStart);
    }

    @Override
    public Appointment get(String id) {
        return records.get(id);
    }

    @Override
    public Page<Appointment> search(AppointmentQuery query) {
        return records.search(Objects.requireNonNull(query, "query"));
    }
}
