package org.carehost.adapters.internal;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxEntry;
import org.carehost.sdk.adapter.AdapterInfo;
import org.carehost.sdk.adapter.AdapterSend;
import org.carehost.sdk.adapter.AdapterService;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link AdapterService} as each caller sees it (bundle scope): a send checks the caller may read the resource and is
 * enabled for the tenant, reads it (through the host's own services, so the read is audited and minimised for the
 * purpose), stores it in the outbox (channel {@code adapter:<system>}, committed: from here it is not lost) and makes
 * the first attempt at once; a failed attempt is retried by the outbox. The request is audited
 * ({@code AdapterService.send}), each attempt too ({@link AdapterDestination}).
 */
@Component(scope = ServiceScope.BUNDLE)
public final class AdapterServiceImpl implements AdapterService {

    private final Adapters adapters;
    private final Recipients recipients;
    private final AdapterDestination destination;
    private final Outbox outbox;
    private final ContextBinder binder;
    private final Tenants tenants;
    private final AuditLog audit;
    private final PatientService patients;
    private final AppointmentService appointments;
    private final Grants grants;
    private final String caller;
    private final String version;
    private final boolean plugin;

    @Activate
    public AdapterServiceImpl(ComponentContext context, @Reference Adapters adapters,
            @Reference AdapterDestination destination, @Reference Recipients recipients, @Reference Outbox outbox,
            @Reference ContextBinder binder, @Reference Tenants tenants, @Reference AuditLog audit,
            @Reference PatientService patients, @Reference AppointmentService appointments,
            @Reference PermissionGuard guard) {
        Bundle using = context.getUsingBundle();
        this.adapters = adapters;
        this.destination = destination;
        this.recipients = recipients;
        this.outbox = outbox;
        this.binder = binder;
        this.tenants = tenants;
        this.audit = audit;
        this.patients = patients;
        this.appointments = appointments;
        this.grants = guard.grantsOf(using);
        this.plugin = guard.isPlugin(using);
        this.caller = String.valueOf(using.getSymbolicName());
        this.version = using.getVersion().toString();
    }

    @Override
    public List<AdapterInfo> adapters() {
        return adapters.infos();
    }

    @Override
    public AdapterSend send(String system, String resource) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(resource, "resource");
        CareContext context = null;
        String[] reference = reference(resource);
        String sendId = UUID.randomUUID().toString();
        String what = "to " + system;
        String[] receipt = new String[1];
        try {
            context = binder.effective(caller);
            if (plugin) {
                tenants.requireEnabled(caller, context.tenant());
            }
            grants.check(reference[0].equals("Patient") ? Permission.READ_PATIENTS : Permission.READ_APPOINTMENTS);
            Adapters.Found adapter = adapters.find(system, context.tenant()).orElseThrow(() ->
                    new IllegalArgumentException(
                    "no adapter serves system '" + system + "' (adapter:list shows the systems there are)"));
            SendMessage message = read(system, reference[0], reference[1]);
            recipients.check(adapter.plugin(), context, message.patientId());
            String id = outbox.enqueue(caller, context.tenant(), context.purpose().code(),
                    AdapterDestination.PREFIX + system, "adapter-send/" + sendId, message.write());
            append(context, AuditOutcome.SUCCESS, reference, message.patientId(), what + " queued as send " + id, null);
            destination.await(id);
            OutboxEntry after;
            try {
                after = outbox.attemptNow(id).orElseThrow(() -> new IllegalStateException(
                        "the send " + id + " is not in the outbox"));
            } catch (RuntimeException notAttempted) { // queued all the same: the outbox attempts it later
                return new AdapterSend(id, system, reference[0] + "/" + reference[1], AdapterSend.Status.RETRYING,
                        null, "the first attempt could not be made (" + notAttempted.getMessage() + ")");
            } finally {
                receipt[0] = destination.receipt(id).orElse(null);
            }
            if (after.state().equals("DELIVERED")) {
                return new AdapterSend(id, system, reference[0] + "/" + reference[1], AdapterSend.Status.SENT,
                        receipt[0], null);
            }
            return new AdapterSend(id, system, reference[0] + "/" + reference[1], AdapterSend.Status.RETRYING, null,
                    after.lastError() == null ? "the first attempt has not finished; the outbox goes on"
                            : after.lastError());
        } catch (RuntimeException e) {
            append(context, e instanceof PermissionDeniedException ? AuditOutcome.DENIED : AuditOutcome.ERROR,
                    reference, null, what, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    private SendMessage read(String system, String type, String id) {
        if (type.equals("Patient")) {
            Patient patient = patients.get(id);
            return new SendMessage(system, type, id, id, FhirJson.write(patient));
        }
        Appointment appointment = appointments.get(id);
        return new SendMessage(system, type, id, appointment.patientId().orElse(null), FhirJson.write(appointment));
    }

    /** {@code <id>}, {@code Patient/<id>} or {@code Appointment/<id>}, as type and id. */
    static String[] reference(String resource) {
        String text = resource.strip();
        int slash = text.indexOf('/');
        String type = slash < 0 ? "Patient" : text.substring(0, slash);
        String id = slash < 0 ? text : text.substring(slash + 1);
        if (!(type.equals("Patient") || type.equals("Appointment")) || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
                    + "' is not a resource to send: give a patient id, Patient/<id> or Appointment/<id>");
        }
        return new String[] {type, id};
    }

    private void append(CareContext context, AuditOutcome outcome, String[] reference, String patientId, String what,
            String reason) {
        audit.append(new AuditEvent(caller, version, context == null ? null : context.user(),
                context == null ? null : context.purpose().code(), context == null ? null : context.tenant(), null,
                context == null ? null : context.correlationId(), null, AuditAction.EXECUTE, "AdapterService.send",
                reference[0], reference[1], patientId, what, outcome, reason));
    }
}
