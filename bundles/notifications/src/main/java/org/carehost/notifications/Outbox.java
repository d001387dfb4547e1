package org.carehost.notifications;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's view of the notification outbox ({@code notify:list}). */
@ProviderType
public interface Outbox {

    /** The newest 200 entries; with {@code failedOnly}, the dead letters only. */
    List<OutboxEntry> entries(boolean failedOnly);
}
