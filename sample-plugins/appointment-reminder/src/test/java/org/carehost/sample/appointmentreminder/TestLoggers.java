package org.carehost.sample.appointmentreminder;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.log.Logger;

/** A Logger that records "level message args…" lines, so tests can check what gets logged. */
final class TestLoggers {

    private TestLoggers() {
    }

    static Logger recording(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> "test";
                    case "isTraceEnabled", "isDebugEnabled", "isInfoEnabled", "isWarnEnabled", "isErrorEnabled" -> true;
                    case "toString" -> "TestLogger";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> {
                        lines.add(method.getName() + " " + Arrays.deepToString(args));
                        yield null;
                    }
                });
    }

    static List<String> lines() {
        return new CopyOnWriteArrayList<>();
    }
}
