package org.carehost.logging.internal;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %origin}: {@code plugin <symbolic name>: } for a line a plugin's code logged, nothing for the container's
 * ({@link Origins}). Registered by this bundle ({@link OriginRule}), so etc/logback.xml names no class.
 */
final class OriginConverter extends ClassicConverter {

    private final Origins origins;

    OriginConverter(Origins origins) {
        this.origins = origins;
    }

    @Override
    public String convert(ILoggingEvent event) {
        return origins.of(event);
    }
}
