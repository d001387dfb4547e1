package org.carehost.sample.patientvalidator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a FHIR Patient and reports every problem at once (not just the first), so a user can fix a
 * record in one pass. It only looks at the resource it is given, but it is given every patient written: it declares
 * read:patients, without which the host does not give it one.
 * Stateless apart from the clock, hence safe to call from many threads.
 */
@Component(service = Validator.class)
public class PatientValidator implements Validator<Patient> {

    // Deliberately loose: the only sure way to check an address is to send mail to it; this catches typos
    // such as a missing '@' or domain, and whitespace pasted in.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    // Phone numbers come in many national formats; accept what people write (+1 (555) 010-0199) but no
    // letters or other punctuation, and at least one digit.
    private static final Pattern PHONE = Pattern.compile("[0-9+\\-() ]*[0-9][0-9+\\-() ]*");
    // The validator does not know where the patient was born: a date is "in the future" only once it is
    // in the future everywhere, i.e. after today in the earliest time zone (UTC+14).
    private static final ZoneOffset EARLIEST_ZONE = ZoneOffset.ofHours(14);

    private final Clock clock;

    /** What DS calls: the real clock. */
    @Activate
    public PatientValidator() {
        this(Clock.systemUTC());
    }

    /** For tests: a fixed clock makes "not in the future" checkable. */
    PatientValidator(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Class<Patient> resourceType() {
        return Patient.class;
    }

    @Override
    public List<ValidationIssue> validate(Patient patient) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (patient == null) {
            issues.add(ValidationIssue.error("Patient", "no patient given"));
            return issues;
        }
        checkNames(patient.names(), issues);
        checkBirthDate(patient.birthDate(), issues);
        checkIdentifiers(patient.identifiers(), issues);
        if (patient.gender() == null) {
            // FHIR makes gender optional, but most downstream systems (labs, payers) ask for it.
            issues.add(ValidationIssue.warning("Patient.gender", "gender is missing"));
        }
        checkTelecom(patient.telecom(), issues);
        return issues;
    }

    private static void checkNames(List<HumanName> names, List<ValidationIssue> issues) {
        if (names.isEmpty()) {
            issues.add(ValidationIssue.error("Patient.name", "at least one name is required"));
            return;
        }
        // One family name anywhere is enough to find and match the patient.
        boolean anyFamily = names.stream().anyMatch(name -> name != null && !isBlank(name.family()));
        if (!anyFamily) {
            issues.add(ValidationIssue.error("Patient.name[0].family", "no name has a family name"));
        }
    }

    private void checkBirthDate(LocalDate birthDate, List<ValidationIssue> issues) {
        if (birthDate == null) {
            issues.add(ValidationIssue.error("Patient.birthDate", "birth date is required"));
        } else if (birthDate.isAfter(LocalDate.now(clock.withZone(EARLIEST_ZONE)))) {
            issues.add(ValidationIssue.error("Patient.birthDate", "birth date " + birthDate + " is in the future"));
        }
    }

    private static void checkIdentifiers(List<Identifier> identifiers, List<ValidationIssue> issues) {
        for (int i = 0; i < identifiers.size(); i++) {
            Identifier identifier = identifiers.get(i);
            String path = "Patient.identifier[" + i + "]";
            if (identifier == null) {
                issues.add(ValidationIssue.error(path, "identifier is empty"));
                continue;
            }
            // Without a system a value is ambiguous (whose MRN 12345?), so both are required.
            if (isBlank(identifier.system())) {
                issues.add(ValidationIssue.error(path + ".system", "identifier has no system"));
            } else if (!isAbsoluteUri(identifier.system())) {
                issues.add(ValidationIssue.error(path + ".system",
                        "identifier system must be an absolute URI (e.g. urn:oid:… or https://…)"));
            }
            if (isBlank(identifier.value())) {
                issues.add(ValidationIssue.error(path + ".value", "identifier has no value"));
            }
        }
        boolean hasMrn = identifiers.stream().anyMatch(id -> id != null && id.isMedicalRecordNumber());
        if (!hasMrn) {
            issues.add(ValidationIssue.error("Patient.identifier",
                    "a medical record number (identifier of type MR) is required"));
        }
    }

    private static void checkTelecom(List<ContactPoint> telecom, List<ValidationIssue> issues) {
        for (int i = 0; i < telecom.size(); i++) {
            ContactPoint contact = telecom.get(i);
            String path = "Patient.telecom[" + i + "]";
            if (contact == null) {
                issues.add(ValidationIssue.error(path, "contact point is empty"));
                continue;
            }
            String system = contact.system() == null ? "" : contact.system().toLowerCase(Locale.ROOT);
            String value = contact.value();
            if (isBlank(value)) {
                issues.add(ValidationIssue.error(path + ".value", "contact point has no value"));
                continue;
            }
            // Messages name the problem, not the value: issues end up in logs and the value is PHI.
            switch (system) {
                case "email" -> {
                    if (!EMAIL.matcher(value).matches()) {
                        issues.add(ValidationIssue.error(path + ".value", "e-mail address is not well formed"));
                    }
                }
                // FHIR's "sms" is a phone number too.
                case "phone", "sms" -> {
                    if (!PHONE.matcher(value).matches()) {
                        issues.add(ValidationIssue.error(path + ".value",
                                "phone number may contain only digits, +, -, spaces and parentheses"));
                    }
                }
                default -> {
                    // fax, pager, url, other: formats too varied to check usefully
                }
            }
        }
    }

    private static boolean isAbsoluteUri(String value) {
        try {
            return new URI(value).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
