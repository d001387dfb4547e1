package org.carehost.clinical.internal;

import java.util.List;
import java.util.Optional;

import org.carehost.context.BreakGlass;
import org.carehost.context.ConsentDirective;
import org.carehost.context.Consents;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.crypto.PhiCipher;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The care rules every host-service call passes, in the service, so that no plugin can forget them: the
 * tenant the plugin must be enabled for, the patient's consent, break-glass, and minimum necessary by purpose.
 */
@Component(service = CareRules.class)
public final class CareRules {

    /** The identifier system of research pseudonyms. */
    static final String PSEUDONYM_SYSTEM = "urn:carehost:pseudonym";

    private final ContextBinder contexts;
    private final Tenants tenants;
    private final BreakGlass breakGlass;
    private final Consents consents;
    private final PhiCipher cipher;

    @Activate
    public CareRules(@Reference ContextBinder contexts, @Reference Tenants tenants, @Reference BreakGlass breakGlass,
            @Reference Consents consents, @Reference PhiCipher cipher) {
        this.contexts = contexts;
        this.tenants = tenants;
        this.breakGlass = breakGlass;
        this.consents = consents;
        this.cipher = cipher;
    }

    /** The context of a call by {@code caller}, once the caller is known to be enabled for its tenant. */
    Access enter(Caller caller) {
        CareContext context = contexts.effective(caller.symbolicName());
        if (!caller.container()) {
            tenants.requireEnabled(caller.symbolicName(), context.tenant());
        }
        if (context.isBreakGlass()) {
            breakGlass.check(context, caller.symbolicName());
        }
        return new Access(context, caller);
    }

    /** The bound context, for the audit record of a call that {@link #enter} refused. */
    CareContext bound() {
        return contexts.current().orElse(null);
    }

    /**
     * Lets the call reach {@code patientId}, or refuses it: an emergency opens (or finds) the break-glass grant,
     * which also lifts the patient's opt-out of this plugin; a research opt-out is never lifted.
     */
    void admit(Access access, String patientId) {
        if (patientId == null) {
            return;
        }
        CareContext context = access.context();
        String plugin = access.caller().symbolicName();
        boolean emergency = context.isBreakGlass();
        if (emergency) {
            breakGlass.access(context, plugin, patientId);
        }
        Optional<ConsentDirective> refusal = consents.refusing(context, plugin, patientId);
        if (refusal.isPresent() && !(emergency && refusal.get().kind() == ConsentDirective.Kind.PLUGIN)) {
            throw new PermissionDeniedException(plugin, "consent", "patient " + patientId + " "
                    + refusal.get().describe() + " (consent recorded " + refusal.get().recorded() + ")");
        }
    }

    /** Research is read-only: pseudonymised data cannot be written back, and research has no business writing. */
    void writable(Access access) {
        if (access.context().purpose() == Purpose.RESEARCH) {
            throw new PermissionDeniedException(access.caller().symbolicName(), "purpose",
                    "research use is read-only; changes need another purpose of use");
        }
    }

    /**
     * An update made for a purpose that does not see every field keeps the stored values of the fields it
     * could not see (operations sees no contact details), so that writing back what it read loses nothing.
     */
    Patient keepHidden(Access access, Patient changed, Patient stored) {
        if (access.context().purpose() == Purpose.OPERATIONS) {
            return changed.toBuilder().telecom(stored.telecom()).addresses(stored.addresses()).build();
        }
        return changed;
    }

    /**
     * Research sees pseudonyms: a search by name or identifier would tie one to a known person, so research
     * may search by birth date and page through, nothing more.
     */
    void searchable(Access access, org.carehost.sdk.patient.PatientQuery query) {
        if (access.context().purpose() == Purpose.RESEARCH
                && (query.name() != null && !query.name().isBlank() || query.identifier() != null && !query.identifier().isBlank())) {
            throw new PermissionDeniedException(access.caller().symbolicName(), "purpose",
                    "research may not search by name or identifier (it would tie a pseudonym to a person)");
        }
    }

    /** Cross-tenant lookups: for treatment (or an emergency) only. */
    void crossTenant(Access access) {
        Purpose purpose = access.context().purpose();
        if (purpose != Purpose.TREATMENT && purpose != Purpose.EMERGENCY) {
            throw new PermissionDeniedException(access.caller().symbolicName(), "purpose",
                    "a cross-tenant lookup is for treatment only, not " + purpose.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Consent directives a search must leave out: SQL over {@code alias}.tenant and the patient id column. */
    String consentExclusion(Access access, String patientIdColumn, String tenantColumn, List<Object> parameters) {
        parameters.add(access.caller().symbolicName());
        String research = access.context().purpose() == Purpose.RESEARCH ? " OR c.kind = 'research'" : "";
        return " AND NOT EXISTS (SELECT 1 FROM consent_directive c WHERE c.tenant = " + tenantColumn
                + " AND c.patient_id = " + patientIdColumn + " AND ((c.kind = 'plugin' AND c.plugin = ?)" + research + "))";
    }

    /**
     * Minimum necessary: treatment and emergency see everything; payment and operations lose clinical notes
     * (a patient has none; see {@link #minimise(Access, Appointment)}); operations also loses contact details;
     * research loses every direct identifier and gets a stable per-tenant pseudonym in place of the id.
     */
    Patient minimise(Access access, Patient patient) {
        return minimise(access.context().purpose(), access.tenant(), patient);
    }

    /** {@link #minimise(Access, Patient)} for a purpose and tenant (also what {@link PhiMinimumImpl} withholds). */
    Patient minimise(Purpose purpose, String tenant, Patient patient) {
        switch (purpose) {
            case OPERATIONS:
                return patient.toBuilder().telecom(List.of()).addresses(List.of()).build();
            case RESEARCH:
                String pseudonym = reference(purpose, tenant, patient.id());
                return patient.toBuilder().id(pseudonym).names(List.of()).telecom(List.of()).addresses(List.of())
                        .identifiers(List.of(new Identifier(PSEUDONYM_SYSTEM + ":" + tenant, pseudonym, null)))
                        .build();
            default:
                return patient;
        }
    }

    /**
     * Whether reads for {@code purpose} minimise anything (a patient's record, or an appointment's: the switches of the
     * two {@code minimise} methods here): what leaves by another path for it must be minimised too, or not leave.
     */
    boolean minimises(Purpose purpose) {
        return purpose == Purpose.PAYMENT || purpose == Purpose.OPERATIONS || purpose == Purpose.RESEARCH;
    }

    /** A patient's id as {@code purpose} sees it: research a stable per-tenant pseudonym, the others the id. */
    String reference(Purpose purpose, String tenant, String patientId) {
        return purpose == Purpose.RESEARCH ? cipher.pseudonym(tenant, patientId) : patientId;
    }

    /** Appointments: the reason (clinical notes) only for treatment, emergency and research; research sees no patient id. */
    Appointment minimise(Access access, Appointment appointment) {
        return minimise(access.context().purpose(), access.tenant(), appointment);
    }

    /** {@link #minimise(Access, Appointment)} for a purpose and tenant (also what {@link PhiMinimumImpl} withholds). */
    Appointment minimise(Purpose purpose, String tenant, Appointment appointment) {
        switch (purpose) {
            case PAYMENT:
            case OPERATIONS:
                return appointment.toBuilder().reason(null).build();
            case RESEARCH:
                List<Participant> participants = appointment.participants().stream()
                        .map(p -> p.patientId() == null ? p
                                : Participant.patient(cipher.pseudonym(tenant, p.patientId())))
                        .toList();
                return appointment.toBuilder().participants(participants).build();
            default:
                return appointment;
        }
    }
}
