package org.carehost.clinical.internal;

import java.util.Objects;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Page;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link PatientService} as each plugin sees it: bundle scope gives every calling bundle its own instance,
 * which knows its caller; every call is audited before it returns; the work is done by {@link PatientRecords}.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class PatientServiceImpl implements PatientService {

    private static final String TYPE = "Patient";

    private final PatientRecords records;
    private final Audit audit;

    @Activate
    public PatientServiceImpl(ComponentContext context, @Reference PatientRecords records, @Reference AuditLog log,
            @Reference PermissionGuard guard) {
        this.records = records;
        this.audit = new Audit(log, Caller.of(context.getUsingBundle()), guard.grantsOf(context.getUsingBundle()));
    }

    @Override
    public Page<Patient> search(PatientQuery query) {
        Objects.requireNonNull(query, "query");
        Page<Patient> page = audit.call(Permission.READ_PATIENTS, AuditAction.EXECUTE, "PatientService.search",
                query.toString(), new Subject(TYPE, null, null),
                () -> records.search(query), null);
        page.items().forEach(patient -> audit.touched(patient.id()));
        return page;
    }

    @Override
    public Patient get(String id) {
        return audit.call(Permission.READ_PATIENTS, AuditAction.READ, "PatientService.get",
                null, new Subject(TYPE, id, id),
                () -> records.get(id), null);
    }

    @Override
    public Patient create(Patient patient) {
        Objects.requireNonNull(patient, "patient");
        return audit.call(Permission.WRITE_PATIENTS, AuditAction.CREATE, "PatientService.create",
                null, new Subject(TYPE, null, null),
                () -> records.create(patient), created -> new Subject(TYPE, created.id(), created.id()));
    }

    @Override
    public Patient update(String id, Patient changed) {
        Objects.requireNonNull(changed, "changed");
        return audit.call(Permission.WRITE_PATIENTS, AuditAction.UPDATE, "PatientService.update",
                null, new Subject(TYPE, id, id),
                () -> records.update(id, changed), null);
    }
}
