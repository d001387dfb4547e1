package org.carehost.clinical.internal;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;

/** What the host requires of every patient it stores; all problems are reported together. */
final class PatientRules {

    private static final Pattern IDENTIFIER_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-_/:]{0,199}");
    private static final Set<String> TELECOM_SYSTEMS = Set.of("phone", "fax", "email", "pager", "url", "sms", "other");

    private final Clock clock;

    PatientRules(Clock clock) {
        this.clock = clock;
    }

    /** @throws ValidationException listing every problem */
    void check(Patient patient) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (patient.names().isEmpty()) {
            issues.add(ValidationIssue.error("Patient.name", "at least one name is required"));
        }
        for (int i = 0; i < patient.names().size(); i++) {
            HumanName name = patient.names().get(i);
            String path = "Patient.name[" + i + "]";
            if (Checks.blank(name.family()) && name.given().stream().allMatch(Checks::blank)) {
                issues.add(ValidationIssue.error(path, "needs a family or a given name"));
            }
            Checks.text(issues, path + ".family", name.family(), 200);
            for (int g = 0; g < name.given().size(); g++) {
                Checks.text(issues, path + ".given[" + g + "]", name.given().get(g), 100);
            }
            Checks.text(issues, path + ".use", name.use(), 20);
        }
        LocalDate birthDate = patient.birthDate();
        if (birthDate != null) {
            if (birthDate.isAfter(LocalDate.now(clock))) {
                issues.add(ValidationIssue.error("Patient.birthDate", birthDate + " is in the future"));
            } else if (birthDate.isBefore(LocalDate.of(1850, 1, 1))) {
                issues.add(ValidationIssue.error("Patient.birthDate", birthDate + " is before 1850"));
            }
        }
        for (int i = 0; i < patient.identifiers().size(); i++) {
            Identifier identifier = patient.identifiers().get(i);
            String path = "Patient.identifier[" + i + "]";
            if (Checks.blank(identifier.value())) {
                issues.add(ValidationIssue.error(path + ".value", "is required"));
            } else if (!IDENTIFIER_VALUE.matcher(identifier.value()).matches()) {
                issues.add(ValidationIssue.error(path + ".value", "'" + printable(identifier.value())
                        + "' is not a valid identifier (letters, digits and . - _ / :, at most 200)"));
            }
            if (identifier.system() != null && !Checks.absoluteUri(identifier.system())) {
                issues.add(ValidationIssue.error(path + ".system", "'" + printable(identifier.system())
                        + "' is not an absolute URI"));
            }
            Checks.text(issues, path + ".system", identifier.system(), 500);
            Checks.text(issues, path + ".type", identifier.type(), 20);
        }
        for (int i = 0; i < patient.telecom().size(); i++) {
            ContactPoint contact = patient.telecom().get(i);
            String path = "Patient.telecom[" + i + "]";
            if (contact.system() == null || !TELECOM_SYSTEMS.contains(contact.system())) {
                issues.add(ValidationIssue.error(path + ".system", "must be one of " + TELECOM_SYSTEMS));
            }
            if (Checks.blank(contact.value())) {
                issues.add(ValidationIssue.error(path + ".value", "is required"));
            }
            Checks.text(issues, path + ".value", contact.value(), 200);
            Checks.text(issues, path + ".use", contact.use(), 20);
        }
        for (int i = 0; i < patient.addresses().size(); i++) {
            Address address = patient.addresses().get(i);
            String path = "Patient.address[" + i + "]";
            for (int l = 0; l < address.line().size(); l++) {
                Checks.text(issues, path + ".line[" + l + "]", address.line().get(l), 200);
            }
            Checks.text(issues, path + ".city", address.city(), 100);
            Checks.text(issues, path + ".state", address.state(), 100);
            Checks.text(issues, path + ".postalCode", address.postalCode(), 20);
            Checks.text(issues, path + ".country", address.country(), 100);
        }
        Checks.size(issues, "Patient", FhirJson.write(patient));
        if (!issues.isEmpty()) {
            throw new ValidationException("Patient", issues);
        }
    }

    /** Echoes bad input without letting it forge log lines. */
    static String printable(String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
