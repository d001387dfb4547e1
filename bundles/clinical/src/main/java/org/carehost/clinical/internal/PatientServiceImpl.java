package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
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
 * {@link PatientService} as each plugin sees it: bundle scope gives every calling bundle its own instance,
 * which knows its caller; every call runs in its care context, passes the care rules and is audited before it
 * returns; the work is done by {@link PatientRecords}.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class PatientServiceImpl implements PatientService {

    private static final String TYPE = "Patient";

    private final PatientRecords records;
    private final CareRules care;
    private final Audit audit;
    private final Validation validation;

    @Activate
    public PatientServiceImpl(ComponentContext context, @Reference PatientRecords records, @Reference AuditLog log,
            @Reference PermissionGuard guard, @Reference CareRules care, @Reference Validation validation) {
        this.records = records;
        this.care = care;
        this.validation = validation;
        this.audit = new Audit(log, Caller.of(context.getUsingBundle(), guard), guard.grantsOf(context.getUsingBundle()), care);
    }

    @Override
    public Page<Patient> search(PatientQuery query) {
        Objects.requireNonNull(query, "query");
        return audit.call(Permission.READ_PATIENTS, AuditAction.EXECUTE, "PatientService.search",
                auditText(query), new Subject(TYPE, null, null), access -> {
                    care.searchable(access, query);
                    List<Object> parameters = new ArrayList<>();
                    String consent = care.consentExclusion(access, "p.id", "p.tenant", parameters);
                    Page<Patient> page = records.search(access.tenant(), query, consent, parameters);
                    page.items().forEach(patient -> audit.touched(patient.id()));
                    return new Page<>(page.items().stream().map(patient -> care.minimise(access, patient)).toList(),
                            page.total(), page.offset(), page.limit());
                }, null);
    }

    /**
     * The search as its audit record shows it: names and identifier values as keyed terms (a reviewer with the
     * key can match them; the trail itself holds no name or identifier in the clear).
     */
    private String auditText(PatientQuery query) {
        AtRest atRest = records.atRest();
        return "PatientQuery[name=" + atRest.term(query.name()) + ", birthDate=" + query.birthDate()
                + ", identifier=" + atRest.term(query.identifier()) + ", offset=" + query.offset()
                + ", limit=" + query.limit() + "]";
    }

    @Override
    public Patient get(String id) {
        return audit.call(Permission.READ_PATIENTS, AuditAction.READ, "PatientService.get",
                null, new Subject(TYPE, id, id),
                access -> care.minimise(access, records.get(access.tenant(), id)), null);
    }

    @Override
    public Patient create(Patient patient) {
        return createWithWarnings(patient).resource();
    }

    @Override
    public Stored<Patient> createWithWarnings(Patient patient) {
        Objects.requireNonNull(patient, "patient");
        // The record is audited under the stored id (never a research pseudonym): the result is minimised last.
        Patient[] stored = new Patient[1];
        Validation.Verdicts[] verdicts = new Validation.Verdicts[1];
        Patient created = audit.callNoted(Permission.WRITE_PATIENTS, AuditAction.CREATE, "PatientService.create",
                () -> verdicts[0] == null ? null : verdicts[0].auditText(), new Subject(TYPE, null, null), access -> {
                    care.writable(access);
                    verdicts[0] = validation.check(Patient.class, TYPE, patient, access.context());
                    verdicts[0].requireNoErrors();
                    stored[0] = records.create(access.tenant(), patient);
                    return care.minimise(access, stored[0]);
                }, result -> new Subject(TYPE, stored[0].id(), stored[0].id()));
        return new Stored<>(created, verdicts[0].warnings());
    }

    @Override
    public Patient update(String id, Patient changed) {
        return updateWithWarnings(id, changed).resource();
    }

    @Override
    public Stored<Patient> updateWithWarnings(String id, Patient changed) {
        Objects.requireNonNull(changed, "changed");
        Validation.Verdicts[] verdicts = new Validation.Verdicts[1];
        Patient updated = audit.callNoted(Permission.WRITE_PATIENTS, AuditAction.UPDATE, "PatientService.update",
                () -> verdicts[0] == null ? null : verdicts[0].auditText(), new Subject(TYPE, id, id), access -> {
                    care.writable(access);
                    Patient complete = care.keepHidden(access, changed, records.get(access.tenant(), id));
                    verdicts[0] = validation.check(Patient.class, TYPE, complete, access.context());
                    verdicts[0].requireNoErrors();
                    return care.minimise(access, records.update(access.tenant(), id, complete));
                }, null);
        return new Stored<>(updated, verdicts[0].warnings());
    }

    @Override
    public List<Patient> lookupAcrossTenants(String system, String value) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(value, "value");
        return audit.call(Permission.READ_PATIENTS_CROSS_TENANT, AuditAction.EXECUTE,
                "PatientService.lookupAcrossTenants",
                "cross-tenant identifier=" + system + "|" + records.atRest().term(value),
                new Subject(TYPE, null, null), access -> {
                    care.crossTenant(access);
                    List<Patient> found = records.withIdentifierInAnyTenant(system, value, access.caller().symbolicName());
                    found.forEach(patient -> audit.touched(patient.id()));
                    return found;
                }, null);
    }
}
