package org.carehost.http.internal;

import java.net.BindException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.carehost.logging.ReportedFailures;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;
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
 * traces. Claimed are entries of Felix HTTP's Jetty bundle (the source the Log Service recorded, which no plugin can
 * forge), decided from state, not from their text: an entry whose exception is a bind failure (a
 * {@link BindException} in its causes), which is said instead as one ERROR line, as the SSH shell's ("HTTP API not
 * started: cannot listen on 127.0.0.1:8181: the port is in use by another process ...; set port (or address) in
 * etc/org.carehost.http.listener.cfg ..."); after it, every WARN or ERROR of that bundle until a listener is bound
 * again (the HTTP runtime registered with an endpoint: the failed start's own consequences); and its WARNs while the
 * configuration turns both listeners off (said at INFO by {@link ListenerSettings}). Any other entry of Felix HTTP is
 * not claimed: it shows as it is.
 */
@Component(service = ReportedFailures.class, configurationPid = ListenerSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class JettyReports implements ReportedFailures {

    /** Felix HTTP's Jetty bundle (its symbolic name begins so: org.apache.felix.http.jetty12). */
    static final String JETTY_BUNDLE = "org.apache.felix.http.jetty";
    private static final Pattern BIND = Pattern.compile("Failed to bind to /?(\\S+)");
    private static final Pattern CONNECTOR = Pattern.compile("\\}\\{([^}]+)\\}\\s*$");

    private final Logger log;
    /** Both listeners off in the configuration. */
    private volatile boolean bothOff;
    /** A listener failed to bind, and none has been bound since. Guarded by this. */
    private boolean bindFailed;

    @Activate
    public JettyReports(@Reference(service = LoggerFactory.class) Logger log, ListenerConfiguration configuration) {
        this.log = log;
        modified(configuration);
    }

    @Modified
    void modified(ListenerConfiguration configuration) {
        bothOff = !configuration.httpEnabled() && !configuration.httpsEnabled();
    }

    /** Felix HTTP's runtime, registered or changed: with an endpoint, a listener is bound. */
    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bound(Map<String, Object> properties) {
        listening(properties);
    }

    void updated(Map<String, Object> properties) {
        listening(properties);
    }

    void unbound(Map<String, Object> properties) {
        // Felix HTTP stopping its listeners: a failed bind, if any, is reported when it happens
    }

    private void listening(Map<String, Object> properties) {
        if (!ListeningLog.endpoints(properties.get(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT)).isEmpty()) {
            synchronized (this) {
                bindFailed = false;
            }
        }
    }

    @Override
    public boolean reports(LogEntry entry) {
        Bundle about = entry.getBundle();
        if (about == null || about.getSymbolicName() == null || !about.getSymbolicName().startsWith(JETTY_BUNDLE)) {
            return false;
        }
        boolean problem = entry.getLogLevel() == LogLevel.WARN || entry.getLogLevel() == LogLevel.ERROR;
        if (isBindFailure(entry.getException())) {
            boolean first;
            synchronized (this) {
                first = !bindFailed;
                bindFailed = true;
            }
            if (first) {
                log.error("HTTP API not started: cannot listen on {}: {}; set port (or address) in etc/{}.cfg "
                        + "(the listener starts as soon as the file is saved), or stop the other process and "
                        + "restart the container (details in data/log/carehost.log)",
                        address(entry.getException(), String.valueOf(entry.getMessage())),
                        reason(entry.getException()), ListenerSettings.PID);
            }
            return true;
        }
        synchronized (this) {
            if (bindFailed && problem) {
                return true; // the failed start's consequences ("Jetty stopped", a NullPointerException of Felix HTTP's)
            }
        }
        return bothOff && entry.getLogLevel() == LogLevel.WARN; // "Jetty not started": the operator's choice
    }

    /** Whether a bind failure is among {@code thrown}'s causes (a JDK class: the Log Service keeps it as it is). */
    static boolean isBindFailure(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
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
     * The address a listener could not bind, for the operator's line (shown, not decided on): from Jetty's "Failed to
     * bind to" in the exception, else the connector the entry names, else "its address".
     */
    static String address(Throwable thrown, String message) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            Matcher where = BIND.matcher(String.valueOf(cause.getMessage()));
            if (where.find()) {
                return where.group(1);
            }
        }
        Matcher connector = CONNECTOR.matcher(message);
        return connector.find() ? connector.group(1) : "its address";
    }
}
