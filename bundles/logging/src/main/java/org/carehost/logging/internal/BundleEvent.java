package org.carehost.logging.internal;

import org.osgi.framework.Bundle;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * A Log Service entry as Logback writes it, with the bundle the Log Service recorded it for: the line's origin
 * ({@link Origins}). The Log Service hands entries to listeners on a thread of its own, so the logging thread's stack
 * is not there to ask.
 */
final class BundleEvent extends LoggingEvent {

    private final transient Bundle bundle;

    BundleEvent(String fqcn, Logger logger, Level level, String message, Throwable thrown, Bundle bundle) {
        super(fqcn, logger, level, message, thrown, null);
        this.bundle = bundle;
    }

    /** The bundle whose entry this is (null: none known). */
    Bundle bundle() {
        return bundle;
    }
}
