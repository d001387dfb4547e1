package org.carehost.shell.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.shell.CommandArguments;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Page;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code patient:} scope: find and show patients, names and birth dates masked unless asked. */
@Component(service = PatientCommands.class, property = {
        "osgi.command.scope=patient",
        "osgi.command.function=list",
        "osgi.command.function=show"
})
public final class PatientCommands {

    private final PatientService patients;

    @Activate
    public PatientCommands(@Reference PatientService patients) {
        this.patients = patients;
    }

    @Descriptor("list patients (names masked); filter by name prefix, birth date or identifier")
    public String list(
            @Descriptor("start of a family or given name") @Parameter(names = {"-n", "--name"}, absentValue = "") String name,
            @Descriptor("birth date, yyyy-mm-dd") @Parameter(names = {"-b", "--birth-date"}, absentValue = "") String birthDate,
            @Descriptor("identifier value or system|value") @Parameter(names = {"-i", "--identifier"}, absentValue = "") String identifier,
            @Descriptor("page size, 1-100") @Parameter(names = {"-l", "--limit"}, absentValue = "20") long limit,
            @Descriptor("index of the first result") @Parameter(names = {"-o", "--offset"}, absentValue = "0") long offset,
            @Descriptor("show names and birth dates in full") @Parameter(names = {"-u", "--unmask"}, presentValue = "true", absentValue = "false") boolean unmask) {
        PatientQuery.Builder query = PatientQuery.builder().page(
                CommandArguments.intIn("--offset", offset, 0, Integer.MAX_VALUE), CommandArguments.intIn("--limit", limit, 1, 100));
        if (!name.isBlank()) {
            query.name(name);
        }
        if (!birthDate.isBlank()) {
            query.birthDate(date(birthDate));
        }
        if (!identifier.isBlank()) {
            query.identifier(identifier);
        }
        Page<Patient> page = patients.search(query.build());
        Table table = new Table("ID", "NAME", "BIRTH DATE", "GENDER", "MRN", "VERSION");
        for (Patient patient : page.items()) {
            table.row(patient.id(), Phi.name(patient, unmask), Phi.birthDate(patient, unmask),
                    patient.gender() == null ? "-" : patient.gender().code(),
                    patient.medicalRecordNumber().map(mrn -> mrn.value()).orElse("-"), patient.versionId());
        }
        return table + Text.pageFooter(page);
    }

    @Descriptor("show one patient (names masked unless --unmask)")
    public String show(
            @Descriptor("show names, birth date and contact details in full") @Parameter(names = {"-u", "--unmask"}, presentValue = "true", absentValue = "false") boolean unmask,
            @Descriptor("patient id") String id) {
        return Text.patientDetail(patients.get(id), unmask);
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date; use yyyy-mm-dd, e.g. 1980-05-17");
        }
    }
}
