package org.carehost.sdk.plugin;

import java.util.Objects;

/**
 * A message to a person.
 *
 * @param recipient who: a patient reference ({@code Patient/123}), a phone number or an e-mail address
 * @param subject a short subject
 * @param body the text; keep PHI to the minimum the recipient needs
 */
public record Notification(String recipient, String subject, String body) {

    public Notification {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(body, "body");
    }
}
