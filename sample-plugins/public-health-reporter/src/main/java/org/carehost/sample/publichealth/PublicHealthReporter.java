package org.carehost.sample.publichealth;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.plugin.Workflow;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.Permissions;
import org.carehost.sdk.security.RequiresPermissions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * When an appointment is scheduled for a reportable condition, appends a line to the day's report file,
 * for a public-health adapter (or a person) to send on. It writes a file rather than calling a registry
 * so that the workflow stays simple and works offline; sending is another plugin's job.
 *
 * <p>Registered as {@link EventHandler} as well as {@link Workflow}: Event Admin only delivers to services
 * registered under {@code EventHandler}.
 */
@Component(service = {Workflow.class, EventHandler.class})
@EventTopics(AppointmentEvents.SCHEDULED)
@Designate(ocd = ReporterConfig.class)
@RequiresPermissions({Permissions.READ_APPOINTMENTS, Permissions.USE_FILES})
public class PublicHealthReporter implements Workflow {

    private final AppointmentService appointments;
    private final Logger log;
    private final ConditionMatcher matcher;
    private final ReportWriter writer;
    private final Clock clock;

    @Activate
    public PublicHealthReporter(@Reference(name = "appointments") AppointmentService appointments,
            @Reference(name = "log", service = LoggerFactory.class) Logger log, ReporterConfig config) {
        this(appointments, log, new ConditionMatcher(config.conditions()),
                new ReportWriter(Path.of(config.reportDirectory())), Clock.systemUTC());
    }

    /** For tests: a fixed clock and a temporary directory. */
    PublicHealthReporter(AppointmentService appointments, Logger log, ConditionMatcher matcher, ReportWriter writer,
            Clock clock) {
        this.appointments = appointments;
        this.log = log;
        this.matcher = matcher;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(AppointmentEvents.APPOINTMENT_ID) instanceof String id) || id.isBlank()) {
            log.warn("Event {} has no {}; ignored", event.getTopic(), AppointmentEvents.APPOINTMENT_ID);
            return;
        }
        // Event Admin swallows what a handler throws (and may blacklist it): report every failure here.
        try {
            Appointment appointment = appointments.get(id);
            List<String> conditions = matcher.matches(appointment.reason());
            if (conditions.isEmpty()) {
                return;
            }
            String patientId = appointment.patientId().orElse(null);
            Instant detectedAt = clock.instant();
            Path file = null;
            for (String condition : conditions) {
                file = writer.append(new ReportLine(id, patientId, condition, detectedAt));
            }
            // No condition or patient in the log: the log is not where PHI should collect.
            log.info("Appended {} public-health report line(s) to {}", conditions.size(), file);
        } catch (ResourceNotFoundException | PermissionDeniedException e) {
            log.warn("Could not read appointment {}: {}", id, e.getMessage());
        } catch (IOException e) {
            log.error("Could not write the public-health report for appointment {}", id, e);
        } catch (RuntimeException e) {
            log.error("Could not handle {} for appointment {}", event.getTopic(), id, e);
        }
    }
}
