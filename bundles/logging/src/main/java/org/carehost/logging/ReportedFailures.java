package org.carehost.logging;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.service.log.LogEntry;

/**
 * A container component that reports some failures on the console itself, in one line with the real reason (the
 * plugin manager: a plugin that cannot resolve, is refused by the security manager, or that the deploy watcher could
 * not install or start). The log writes a Log Service entry that such a service claims to the log file only, at INFO,
 * with its stack trace: the console shows the reporter's one line instead of three about one cause.
 *
 * <p>Only the container may register it (the security manager's service gate keeps {@code org.carehost.logging.*}
 * to container bundles).
 */
@ConsumerType
public interface ReportedFailures {

    /**
     * Whether this service's owner reports what {@code entry} says (a WARN or ERROR entry) in a line of its own. Decided
     * from the entry's source and the bundle it is about, never from its message.
     */
    boolean reports(LogEntry entry);
}
