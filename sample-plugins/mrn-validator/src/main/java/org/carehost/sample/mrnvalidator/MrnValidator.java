package org.carehost.sample.mrnvalidator;

import java.util.ArrayList;
import java.util.List;

import org.carehost.sample.mrncheck.MrnCheck;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.service.component.annotations.Component;

/**
 * Checks each medical record number of a Patient with the {@code mrn-check} library bundle, which the catalog
 * installs with this plugin. Looks only at the resource it is given, but it is given every patient written: it
 * declares read:patients, without which the host does not give it one.
 */
@Component(service = Validator.class)
public class MrnValidator implements Validator<Patient> {

    @Override
    public Class<Patient> resourceType() {
        return Patient.class;
    }

    @Override
    public List<ValidationIssue> validate(Patient patient) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (patient == null) {
            return issues;
        }
        for (int i = 0; i < patient.identifiers().size(); i++) {
            Identifier identifier = patient.identifiers().get(i);
            if (identifier.isMedicalRecordNumber()) {
                String problem = MrnCheck.problem(identifier.value());
                if (problem != null) {
                    issues.add(ValidationIssue.error("Patient.identifier[" + i + "].value", problem));
                }
            }
        }
        return issues;
    }
}
