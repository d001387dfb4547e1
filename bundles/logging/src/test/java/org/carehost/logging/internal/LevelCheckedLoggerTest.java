package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;

/** Levels answered from Logback (as they change), every entry handed to the Log Service's logger unchanged. */
class LevelCheckedLoggerTest {

    @Test
    void levelsAreLogbacksAndEntriesGoToTheLogService() {
        LoggerContext logback = new LoggerContext();
        logback.getLogger("org.apache.felix").setLevel(Level.WARN);
        List<String> calls = new ArrayList<>();
        Logger logService = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("is")) {
                        throw new AssertionError("the Log Service was asked " + method.getName());
                    }
                    calls.add(method.getName() + (args == null ? "" : " " + args[0]));
                    return method.getReturnType() == String.class ? "org.apache.felix.scr.x" : null;
                });
        Logger logger = new LevelCheckedLogger(logService, logback.getLogger("org.apache.felix.scr.x"));

        assertFalse(logger.isDebugEnabled());
        assertFalse(logger.isTraceEnabled());
        assertFalse(logger.isInfoEnabled());
        assertTrue(logger.isWarnEnabled());
        assertTrue(logger.isErrorEnabled());

        logback.getLogger("org.apache.felix.scr").setLevel(Level.DEBUG); // log:level at run time
        assertTrue(logger.isDebugEnabled());
        assertFalse(logger.isTraceEnabled());

        logger.debug("one");
        logger.trace("two"); // the Log Service applies its own levels to whatever it is handed, as before
        logger.audit("three");
        assertEquals(List.of("debug one", "trace two", "audit three"), calls);
        assertEquals("org.apache.felix.scr.x", logger.getName());
    }
}
