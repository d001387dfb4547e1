/**
 * Notifications to people, delivered by the host from a durable outbox through the plugins' notifiers
 * ({@link org.carehost.sdk.notify.NotificationService}).
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.notify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
