package org.carehost.sample.appointmentreminder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.sdk.plugin.Workflow;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.Permissions;
import org.carehost.sdk.security.RequiresPermissions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Plans a reminder before each scheduled appointment and sends it through the notifier of the configured
 * channel. Rescheduling replans, cancelling drops the plan.
 *
 * <p>Registered as {@link EventHandler} too, not only {@link Workflow}: Event Admin finds handlers by the
 * {@code EventHandler} object class, and a service registered under the sub-interface alone would never
 * receive an event.
 *
 * <p>Plans live in memory: stopping the plugin (or changing its configuration, which reactivates it) drops
 * the reminders not yet sent; appointments scheduled while it was stopped are not seen. A production
 * reminder would keep its plans in a store, or rebuild them from {@code AppointmentService.search} on start.
 */
@Component(service = {Workflow.class, EventHandler.class})
@EventTopics({AppointmentEvents.SCHEDULED, AppointmentEvents.RESCHEDULED, AppointmentEvents.CANCELLED})
@Designate(ocd = ReminderConfig.class)
@RequiresPermissions({Permissions.READ_APPOINTMENTS})
public class AppointmentReminder implements Workflow {

    private final AppointmentService appointments;
    private final Logger log;
    private final ReminderSettings settings;
    private final ReminderPlanner planner;
    // Owned by the component, not shared: its thread dies with the component, so a stopped or updated
    // plugin leaves no thread (or class loader) behind.
    private final ScheduledExecutorService executor;
    private final Map<String, Planned> planned = new ConcurrentHashMap<>();
    // Notifiers are a dynamic, multiple reference chosen by channel() when a reminder is sent, rather than
    // a static reference with a (channel=...) target: the component then stays active (and keeps its
    // plans) while a notifier comes, goes or is updated, and a missing channel costs one logged reminder
    // instead of making the whole workflow unsatisfied. A dynamic reference cannot be a constructor
    // parameter (DS injects constructors once), hence the bind/unbind methods.
    private final List<Notifier> notifiers = new CopyOnWriteArrayList<>();

    @Activate
    public AppointmentReminder(@Reference(name = "appointments") AppointmentService appointments,
            @Reference(name = "log", service = LoggerFactory.class) Logger log, ReminderConfig config) {
        this(appointments, log, ReminderSettings.of(config), Clock.systemUTC(), newExecutor());
    }

    /** For tests: a fixed clock and an executor they control. */
    AppointmentReminder(AppointmentService appointments, Logger log, ReminderSettings settings, Clock clock,
            ScheduledExecutorService executor) {
        this.appointments = appointments;
        this.log = log;
        this.settings = settings;
        this.planner = new ReminderPlanner(clock, settings.leadTime());
        this.executor = executor;
        log.info("Appointment reminders {} before start, over channel '{}'", settings.leadTime(), settings.channel());
    }

    private static ScheduledExecutorService newExecutor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "carehost-appointment-reminder");
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled reminders (days ahead) would otherwise stay in the queue until their time comes.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addNotifier(Notifier notifier) {
        notifiers.add(notifier);
    }

    void removeNotifier(Notifier notifier) {
        notifiers.remove(notifier);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        int dropped = planned.size();
        planned.clear();
        if (dropped > 0) {
            log.warn("Stopped with {} reminder(s) not yet sent; they will not be sent", dropped);
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
                // SCHEDULED or RESCHEDULED: (re)plan from the stored appointment, not from the event's
                // properties, so the plan follows what the host holds now.
                plan(id);
            }
        } catch (ResourceNotFoundException e) {
            // Deleted or never stored by the time the event arrived: nothing to remind of.
            log.warn("Could not handle {}: {}", event.getTopic(), e.getMessage());
        } catch (PermissionDeniedException e) {
            // The operator refused read:appointments: say so plainly rather than with a stack trace.
            log.error("Could not handle {}: {}", event.getTopic(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Could not handle {}", event.getTopic(), e);
        }
    }

    /** How many reminders wait to be sent. */
    int plannedCount() {
        return planned.size();
    }

    private void plan(String id) {
        Appointment appointment = appointments.get(id);
        Optional<Duration> delay = isCancelled(appointment) ? Optional.empty()
                : planner.delayUntilReminder(appointment.start());
        if (delay.isEmpty()) {
            cancel(id);
            log.debug("No reminder for appointment {}: cancelled or already started", id);
            return;
        }
        Planned plan = new Planned(id);
        Planned previous = planned.put(id, plan);
        if (previous != null) {
            previous.cancel();
        }
        plan.future = executor.schedule(plan, delay.get().toMillis(), TimeUnit.MILLISECONDS);
        log.debug("Reminder for appointment {} planned in {}", id, delay.get());
    }

    private void cancel(String id) {
        Planned plan = planned.remove(id);
        if (plan != null) {
            plan.cancel();
            log.debug("Reminder for appointment {} cancelled", id);
        }
    }

    private void send(String id) {
        // Read again: the appointment may have changed since it was planned in ways no event told us of
        // (events are not delivered while the plugin is being updated, for example).
        Appointment appointment = appointments.get(id);
        if (isCancelled(appointment)) {
            return;
        }
        Optional<Notification> notification = ReminderText.forAppointment(appointment);
        if (notification.isEmpty()) {
            log.warn("Appointment {} has no patient or start; no reminder sent", id);
            return;
        }
        Optional<Notifier> notifier = notifiers.stream().filter(n -> settings.channel().equals(n.channel()))
                .findFirst();
        if (notifier.isEmpty()) {
            log.warn("No notifier for channel '{}'; reminder for appointment {} not sent", settings.channel(), id);
            return;
        }
        try {
            notifier.get().send(notification.get());
        } catch (Exception e) {
            log.error("Notifier '{}' could not send the reminder for appointment {}", settings.channel(), id, e);
        }
    }

    private static boolean isCancelled(Appointment appointment) {
        return appointment.status() == AppointmentStatus.CANCELLED
                || appointment.status() == AppointmentStatus.ENTERED_IN_ERROR;
    }

    /** One planned reminder; knows its own future so that a replan can cancel exactly it. */
    private final class Planned implements Runnable {
        private final String id;
        private volatile ScheduledFuture<?> future;
        private volatile boolean cancelled;

        Planned(String id) {
            this.id = id;
        }

        void cancel() {
            cancelled = true; // covers a cancel that comes before schedule() has returned the future
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public void run() {
            // remove(id, this): only if no replan has put a newer plan in its place meanwhile.
            planned.remove(id, this);
            if (cancelled) {
                return;
            }
            // A task that throws is silently dropped by the executor; log instead.
            try {
                send(id);
            } catch (ResourceNotFoundException | PermissionDeniedException e) {
                log.warn("Reminder for appointment {} not sent: {}", id, e.getMessage());
            } catch (RuntimeException e) {
                log.error("Reminder for appointment {} failed", id, e);
            }
        }
    }
}
