/**
 * The notification outbox as the container's own bundles (the shell, the adapters) see it. Plugins use
 * {@code org.carehost.sdk.notify.NotificationService} and never see this package.
 */
@Export
@Version("1.1.0")
package org.carehost.notifications;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
