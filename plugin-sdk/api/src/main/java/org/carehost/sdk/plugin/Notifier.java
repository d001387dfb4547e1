package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers notifications over one channel (a log or file, SMS, e-mail). Register as a service with the
 * property {@code channel}; workflows pick a notifier by channel. Sample: the log notifier in
 * {@code sample-plugins/appointment-reminder}.
 */
@ConsumerType
public interface Notifier {

    /** The channel name, e.g. {@code log}, {@code sms}, {@code email}. */
    String channel();

    /** Sends it, or throws when it cannot be delivered. */
    void send(Notification notification) throws Exception;
}
