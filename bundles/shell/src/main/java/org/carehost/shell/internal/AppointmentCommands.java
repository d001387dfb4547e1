package org.carehost.shell.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.shell.CommandArguments;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.resource.Page;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code appointment:} scope. */
@Component(service = AppointmentCommands.class, property = {
        "osgi.command.scope=appointment",
        "osgi.command.function=list"
})
public final class AppointmentCommands {

    private final AppointmentService appointments;

    @Activate
    public AppointmentCommands(@Reference AppointmentService appointments) {
        this.appointments = appointments;
    }

    @Descriptor("list appointments by start time, of one patient and/or in a time window")
    public String list(
            @Descriptor("patient id") @Parameter(names = {"-p", "--patient"}, absentValue = "") String patient,
            @Descriptor("from, ISO-8601 instant (2030-01-31T09:00:00Z)") @Parameter(names = {"-f", "--from"}, absentValue = "") String from,
            @Descriptor("to (exclusive), ISO-8601 instant") @Parameter(names = {"-t", "--to"}, absentValue = "") String to,
            @Descriptor("page size, 1-100") @Parameter(names = {"-l", "--limit"}, absentValue = "20") long limit,
            @Descriptor("index of the first result") @Parameter(names = {"-o", "--offset"}, absentValue = "0") long offset) {
        AppointmentQuery query = new AppointmentQuery(patient.isBlank() ? null : patient, instant(from), instant(to),
                CommandArguments.intIn("--offset", offset, 0, Integer.MAX_VALUE), CommandArguments.intIn("--limit", limit, 1,
                        100));
        Page<Appointment> page = appointments.search(query);
        Table table = new Table("ID", "START", "END", "STATUS", "PATIENT", "REASON");
        for (Appointment appointment : page.items()) {
            table.row(appointment.id(), appointment.start(), appointment.end(), appointment.status().code(),
                    appointment.patientId().orElse("-"), appointment.reason() == null ? "-" : appointment.reason());
        }
        return table + Text.pageFooter(page);
    }

    private static Instant instant(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an instant; use e.g. 2030-01-31T09:00:00Z");
        }
    }
}
