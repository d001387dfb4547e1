package org.carehost.http.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.carehost.logging.ReportedFailures;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Felix HTTP's own lines about its listeners, said once in the container's words (tryout 16, item 7). A port taken by
 * another process made Felix HTTP log three raw ERROR lines (the connector that failed, "Jetty stopped (no connectors
 * available)", "Exception while initializing Jetty") that named neither the cause nor the setting; listeners turned
 * off on purpose ({@code httpEnabled=false}, {@code httpsEnabled=false}) made it WARN "Jetty not started" at every start.
 * <p>
 * The log keeps the entries this claims ({@link ReportedFailures}) in the log file only, at INFO, with their stack
 * traces. Claimed are the entries of Felix HTTP's Jetty bundle (the source the Log Service recorded, which no plugin
 * can forge) that are about starting its listeners: a bind failure (a {@code BindException} or Jetty's
 * "Failed to bind" in the entry's exception), the two lines that follow it, and "Jetty not started" with both
 * listeners off. Instead a bind failure is one ERROR line, as the SSH shell's: "HTTP API not started: cannot listen on
 * 127.0.0.1:8181: the port is in use by another process ...; set port (or address) in
 * etc/org.carehost.http.listener.cfg ...". Listeners off are said at INFO by {@link ListenerSettings} when it writes
 * that. Any other entry of Felix HTTP is not claimed: it shows as it is.
 */
@Component(service = ReportedFailures.class)
public final class JettyReports implements ReportedFailures {

    /** Felix HTTP's Jetty bundle (its symbolic name begins so: org.apache.felix.http.jetty12). */
    static final String JETTY_BUNDLE = "org.apache.felix.http.jetty";
    /** How long after a bind failure the lines Felix HTTP logs about the same start are taken for its. */
    static final long AFTER_BIND_FAILURE_MILLIS = 10_000;
    private static final Pattern BIND = Pattern.compile("Failed to bind to /?(\\S+)");
    private static final Pattern CONNECTOR = Pattern.compile("\\}\\{([^}]+)\\}\\s*$");

    private final Logger log;
    /** When the last bind failure was reported (the entry's time), 0 before any. Guarded by this. */
    private long boundFailedAt;

    @Activate
    public JettyReports(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
    }

    @Override
    public boolean reports(LogEntry entry) {
        Bundle about = entry.getBundle();
        if (about == null || about.getSymbolicName() == null || !about.getSymbolicName().startsWith(JETTY_BUNDLE)) {
            return false;
        }
        String message = String.valueOf(entry.getMessage());
        String address = bindFailure(entry.getException(), message);
        synchronized (this) {
            if (address != null) {
                boolean first = entry.getTime() - boundFailedAt > AFTER_BIND_FAILURE_MILLIS;
                boundFailedAt = entry.getTime();
                if (first) {
                    log.error("HTTP API not started: cannot listen on {}: {}; set port (or address) in etc/{}.cfg "
                            + "(the listener starts as soon as the file is saved), or stop the other process and "
                            + "restart the container (details in data/log/carehost.log)", address,
                            reason(entry.getException()), ListenerSettings.PID);
                }
                return true;
            }
            if (entry.getLogLevel() == LogLevel.WARN
                    && message.toLowerCase(Locale.ROOT).contains("http and https disabled")) {
                return true; // the operator's choice, said at INFO by ListenerSettings
            }
            // The lines that follow a bind failure in the same start: "Jetty stopped (no connectors available)" and
            // "Exception while initializing Jetty" (a NullPointerException of Felix HTTP's after the failed start)
            return boundFailedAt != 0 && entry.getTime() - boundFailedAt <= AFTER_BIND_FAILURE_MILLIS
                    && (message.startsWith("Jetty stopped") || message.startsWith("Exception while initializing"));
        }
    }

    /** Why the bind failed, in words: the port in use, else the JDK's own message. */
    static String reason(Throwable thrown) {
        String last = null;
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            String text = String.valueOf(cause.getMessage());
            if (text.contains("Address already in use")) {
                return "the port is in use by another process";
            }
            if (text.contains("Cannot assign requested address")) {
                return "the address is not one of this machine's";
            }
            last = text;
        }
        return last == null ? "the address could not be bound" : last;
    }

    /**
     * The address a listener could not bind, when {@code thrown} says so (the Log Service may hand over a copy whose
     * message begins with the original's class name), else null.
     */
    static String bindFailure(Throwable thrown, String message) {
        boolean bind = false;
        String address = null;
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            String text = cause.getClass().getName() + ": " + cause.getMessage();
            if (text.contains("BindException") || text.contains("Failed to bind")) {
                bind = true;
            }
            Matcher where = BIND.matcher(text);
            if (address == null && where.find()) {
                address = where.group(1);
            }
        }
        if (!bind) {
            return null;
        }
        if (address == null) {
            Matcher connector = CONNECTOR.matcher(message);
            address = connector.find() ? connector.group(1) : "its address";
        }
        return address;
    }
}
