package org.carehost.sample.appointmentreminder;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The reminder's configuration (PID {@code org.carehost.sample.appointmentreminder.AppointmentReminder}).
 * Metatype describes it to tools, but Config Admin does not enforce min, max or the channel's shape, so
 * {@link ReminderSettings#of} checks them again when the component activates.
 */
@ObjectClassDefinition(name = "Carehost appointment reminder",
        description = "When to remind patients of their appointments, and over which notifier channel.")
public @interface ReminderConfig {

    @AttributeDefinition(name = "Lead time (minutes)",
            description = "How long before the appointment the reminder is sent: 1 minute to 14 days.",
            min = "1", max = "20160")
    int leadTimeMinutes() default 1440;

    @AttributeDefinition(name = "Channel",
            description = "The channel of the Notifier to send through, in lowercase letters ([a-z]+): log, sms, email…")
    String channel() default "log";
}
