package org.carehost.sample.appointmentreminder;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The configuration, checked. A bad value fails activation with a message naming it (shown by
 * {@code plugin:why}), which is better than reminders silently going nowhere.
 */
record ReminderSettings(Duration leadTime, String channel) {

    static final int MIN_LEAD_MINUTES = 1;
    static final int MAX_LEAD_MINUTES = 20160; // 14 days
    private static final Pattern CHANNEL = Pattern.compile("[a-z]+");

    static ReminderSettings of(ReminderConfig config) {
        return of(config.leadTimeMinutes(), config.channel());
    }

    static ReminderSettings of(int leadTimeMinutes, String channel) {
        if (leadTimeMinutes < MIN_LEAD_MINUTES || leadTimeMinutes > MAX_LEAD_MINUTES) {
            throw new IllegalArgumentException("leadTimeMinutes must be " + MIN_LEAD_MINUTES + " to "
                    + MAX_LEAD_MINUTES + ", not " + leadTimeMinutes);
        }
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("channel must be lowercase letters ([a-z]+), not '" + channel + "'");
        }
        return new ReminderSettings(Duration.ofMinutes(leadTimeMinutes), channel);
    }
}
