package org.carehost.clinical.internal;

import java.util.Objects;

import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Page;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link PatientService} as each plugin sees it: bundle scope gives every calling bundle its own instance,
 * which knows its caller; the work is done by the shared {@link PatientRecords}.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class PatientServiceImpl implements PatientService {

    private final Caller caller;
    private final PatientRecords records;

    @Activate
    public PatientServiceImpl(ComponentContext context, @Reference PatientRecords records) {
        this.caller = Caller.of(context.getUsingBundle());
        this.records = records;
    }

    Caller caller() {
        return caller;
    }

    @Override
    public Page<Patient> search(PatientQuery query) {
        return records.search(Objects.requireNonNull(query, "query"));
    }

    @Override
    public Patient get(String id) {
        return records.get(id);
    }

    @Override
    public Patient create(Patient patient) {
        return records.create(Objects.requireNonNull(patient, "patient"));
    }

    @Override
    public Patient update(String id, Patient changed) {
        return records.update(id, Objects.requireNonNull(changed, "changed"));
    }
}
