package org.carehost.sample.appointmentreminder;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.data.PluginDataService;
import org.carehost.sdk.data.PluginDocument;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.notify.NotificationService;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Workflow;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.sdk.schedule.ScheduledJob;
import org.carehost.sdk.schedule.ScheduledTask;
import org.carehost.sdk.schedule.Scheduler;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.Permissions;
import org.carehost.sdk.security.RequiresPermissions;
import org.carehost.sdk.settings.TenantSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reminds patients of their appointments, with the host doing the keeping: on {@code carehost/appointment/SCHEDULED}
 * (and RESCHEDULED) it asks the host's {@link Scheduler} for a one-off job at the reminder time, and notes the job in
 * its plugin data ({@code reminder/<appointment id>}); a cancelled or moved appointment cancels that job (and a move
 * schedules a new one). When the job is due the host runs this {@link ScheduledTask}, which reads the appointment
 * again and sends the reminder through the host's {@link NotificationService} (the outbox delivers it through the
 * notifier of the configured channel, at least once, retrying), then notes what it sent in its plugin data. Lead time
 * and channel are the tenant's when an operator set them for it ({@link TenantSettings}), read at each call.
 *
 * <p>Nothing lives in memory: reminders survive restarts and updates of the plugin and of the container, and events
 * run in the appointment's tenant (the host binds its care context), so every job and document is that tenant's.
 *
 * <p>Time is the container's: the {@code java.time.Clock} service (any plugin may read it), so that the delay it asks
 * the scheduler for is measured on the clock the scheduler runs jobs by (in a test, the test's clock).
 *
 * <p>Registered as {@link EventHandler} too, not only {@link Workflow}: Event Admin finds handlers by the
 * {@code EventHandler} object class.
 */
@Component(service = {Workflow.class, EventHandler.class, ScheduledTask.class},
        property = ScheduledTask.NAME + "=" + AppointmentReminder.TASK)
@EventTopics({AppointmentEvents.SCHEDULED, AppointmentEvents.RESCHEDULED, AppointmentEvents.CANCELLED})
@Designate(ocd = ReminderConfig.class)
@RequiresPermissions({Permissions.READ_APPOINTMENTS, Permissions.SCHEDULE_WORK, Permissions.SEND_NOTIFICATIONS,
        Permissions.STORE_PLUGIN_DATA})
public class AppointmentReminder implements Workflow, ScheduledTask {

    static final String TASK = "appointment-reminder";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AppointmentService appointments;
    private final Scheduler scheduler;
    private final NotificationService notifications;
    private final PluginDataService data;
    private final Logger log;
    /** This component's settings, for every tenant (the Metatype defaults, its etc/ file over them). */
    private final ReminderSettings everyTenant;
    private final TenantSettings tenantSettings;
    private final Clock clock;

    @Activate
    public AppointmentReminder(@Reference(name = "appointments") AppointmentService appointments,
            @Reference(name = "scheduler") Scheduler scheduler,
            @Reference(name = "notifications") NotificationService notifications,
            @Reference(name = "data") PluginDataService data,
            @Reference(name = "log", service = LoggerFactory.class) Logger log, ReminderConfig config,
            @Reference(name = "tenantSettings") TenantSettings tenantSettings,
            @Reference(name = "clock") Clock clock) {
        this(appointments, scheduler, notifications, data, log, ReminderSettings.of(config), tenantSettings, clock);
    }

    AppointmentReminder(AppointmentService appointments, Scheduler scheduler, NotificationService notifications,
            PluginDataService data, Logger log, ReminderSettings everyTenant, TenantSettings tenantSettings,
            Clock clock) {
        this.appointments = appointments;
        this.scheduler = scheduler;
        this.notifications = notifications;
        this.data = data;
        this.log = log;
        this.everyTenant = everyTenant;
        this.tenantSettings = tenantSettings;
        this.clock = clock;
        log.info("Appointment reminders {} before start, over channel '{}' (unless a tenant's settings say otherwise)",
                everyTenant.leadTime(), everyTenant.channel());
    }

    /**
     * The settings for the tenant this call is for (the host binds its care context around events and jobs): the
     * values an operator set for that tenant over this component's, checked again.
     */
    private ReminderSettings settings() {
        Map<String, Object> own = tenantSettings.forCurrentTenant();
        try {
            return ReminderSettings.of(own.get("leadTimeMinutes") instanceof Number minutes ? minutes.intValue()
                    : (int) everyTenant.leadTime().toMinutes(), own.get("channel") instanceof String channel ? channel
                            : everyTenant.channel());
        } catch (IllegalArgumentException invalid) {
            // a value the schema cannot check (the channel's shape): the tenant's reminders go on with the settings
            // for every tenant rather than stop
            log.warn("This tenant's own reminder settings cannot be used ({}); the settings for every tenant apply "
                    + "until they are corrected with plugin:config --tenant", invalid.getMessage());
            return everyTenant;
        }
    }

    @Override
    public void handleEvent(Event event) {
        // Event Admin swallows what a handler throws (and may blacklist it), so nothing escapes from here.
        try {
            if (!(event.getProperty(AppointmentEvents.APPOINTMENT_ID) instanceof String id) || id.isBlank()) {
                log.warn("Event {} has no {}; ignored", event.getTopic(), AppointmentEvents.APPOINTMENT_ID);
                return;
            }
            if (AppointmentEvents.CANCELLED.equals(event.getTopic())) {
                cancel(id);
            } else {
                plan(id); // from the stored appointment, not the event's properties: it follows what the host holds
            }
        } catch (ResourceNotFoundException | PermissionDeniedException e) {
            log.warn("Could not handle {}: {}", event.getTopic(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Could not handle {}", event.getTopic(), e);
        }
    }

    private static String key(String appointmentId) {
        return "reminder/" + appointmentId;
    }

    private void plan(String id) {
        Appointment appointment = appointments.get(id);
        ReminderSettings settings = settings();
        if (isCancelled(appointment)
                || new ReminderPlanner(clock, settings.leadTime()).delayUntilReminder(appointment.start()).isEmpty()) {
            cancel(id);
            return;
        }
        Instant at = appointment.start().minus(settings.leadTime());
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<PluginDocument> noted = data.get(key(id));
            noted.map(AppointmentReminder::jobOf).ifPresent(scheduler::cancel);
            String job = scheduler.once(TASK, at, JSON.createObjectNode().put("appointment", id)
                    .put("start", appointment.start().toString()).toString());
            try {
                data.put(key(id), JSON.createObjectNode().put("job", job).put("start", appointment.start().toString())
                        .toString(), noted.map(PluginDocument::version).orElse(0L));
                log.debug("Reminder for appointment {} planned at {}", id, at);
                return;
            } catch (VersionConflictException changedMeanwhile) {
                scheduler.cancel(job); // another event for it came in between: read again and plan once more
            }
        }
        log.warn("Could not plan the reminder for appointment {}: its record kept changing", id);
    }

    private void cancel(String id) {
        data.get(key(id)).ifPresent(noted -> {
            String job = jobOf(noted);
            if (job != null) {
                scheduler.cancel(job);
            }
            try {
                data.delete(key(id), noted.version());
            } catch (VersionConflictException changedMeanwhile) {
                log.debug("Reminder record of appointment {} changed while cancelling; left as it is", id);
            }
        });
    }

    /** The host runs this when a reminder is due, in the appointment's tenant. */
    @Override
    public void run(ScheduledJob job) {
        JsonNode payload = read(job.payload());
        String id = payload.path("appointment").asText();
        Appointment appointment = appointments.get(id);
        if (isCancelled(appointment) || !String.valueOf(appointment.start()).equals(payload.path("start").asText())) {
            return; // cancelled, or moved (the move planned its own reminder)
        }
        Optional<Notification> notification = ReminderText.forAppointment(appointment);
        if (notification.isEmpty()) {
            log.warn("Appointment {} has no patient or start; no reminder sent", id);
            return;
        }
        String sent = notifications.send(settings().channel(), notification.get(),
                key(id) + "/" + appointment.start());
        data.get(key(id)).ifPresent(noted -> {
            try {
                data.put(key(id), JSON.createObjectNode().put("job", job.id()).put("start", payload.path("start")
                        .asText()).put("sent", sent).toString(), noted.version());
            } catch (VersionConflictException changedMeanwhile) {
                log.debug("Reminder record of appointment {} changed meanwhile; not noted as sent", id);
            }
        });
    }

    private static String jobOf(PluginDocument document) {
        JsonNode job = read(document.json()).path("job");
        return job.isTextual() ? job.asText() : null;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json == null ? "{}" : json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static boolean isCancelled(Appointment appointment) {
        return appointment.status() == AppointmentStatus.CANCELLED
                || appointment.status() == AppointmentStatus.ENTERED_IN_ERROR;
    }
}
