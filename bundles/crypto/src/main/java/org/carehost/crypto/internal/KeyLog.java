package org.carehost.crypto.internal;

import org.osgi.service.log.Logger;

/** What the key ring tells an operator (key ids and files, never key bytes). Unit tests record it. */
interface KeyLog {

    void info(String message);

    void warn(String message);

    static KeyLog of(Logger logger) {
        return new KeyLog() {
            @Override
            public void info(String message) {
                logger.info("{}", message); // not as the format: a path may hold braces
            }

            @Override
            public void warn(String message) {
                logger.warn("{}", message);
            }
        };
    }
}
