package ${package};

import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.service.component.annotations.Component;

/**
 * Checks every patient the host is about to store ({@code PatientService.create/update}, and the import path). An
 * issue of severity error rejects the write; warnings go back to the writer and into the audit trail. Keep it fast and
 * free of side effects: the host calls it within a deadline (2 s unless the operator sets another).
 */
@Component(service = Validator.class)
public class ExampleValidator implements Validator<Patient> {

    @Override
    public Class<Patient> resourceType() {
        return Patient.class;
    }

    @Override
    public List<ValidationIssue> validate(Patient patient) {
        List<ValidationIssue> issues = new ArrayList<>();
        boolean anyFamily = patient.names().stream()
                .map(HumanName::family)
                .anyMatch(family -> family != null && !family.isBlank());
        if (!anyFamily) {
            issues.add(ValidationIssue.error("Patient.name", "a family name is required"));
        }
        if (patient.birthDate() == null) {
            // Name the problem, never the value: issues are logged and audited, and values are PHI.
            issues.add(ValidationIssue.warning("Patient.birthDate", "birth date is missing"));
        }
        return issues;
    }
}
