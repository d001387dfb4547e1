package org.carehost.logging.internal;

import java.net.URL;

import org.xml.sax.SAXParseException;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;

/**
 * One WARN line when Logback's rescan of a changed etc/logback.xml fails on the file's XML: Logback then goes back to
 * the configuration it had, saying so only in its status list, and the operator who edited the file saw nothing
 * (tryout 16 #11). Decided from Logback's own state: its configuration events (a change detected; the configuration
 * in force again, which after a failed reading is the one it had) and the first error status between them, whose
 * exception (the parser's) gives the line and the problem. Both listeners outlast Logback's resets.
 */
final class RescanFailures implements ConfigurationEventListener, StatusListener {

    private final LoggerContext logback;
    /** The error statuses since the last change detected (the first few): the parser's exception is in a later one. */
    private final java.util.List<Status> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean changed;

    RescanFailures(LoggerContext logback) {
        this.logback = logback;
    }

    void install() {
        logback.addConfigurationEventListener(this);
        logback.getStatusManager().add(this);
    }

    void uninstall() {
        logback.removeConfigurationEventListener(this);
        logback.getStatusManager().remove(this);
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void addStatusEvent(Status status) {
        // errors, and warnings with an exception: the parser's exception comes in Logback's warning that the
        // reconfiguration failed, its error status has the line and column only
        if (changed && errors.size() < 20 && (status.getLevel() == Status.ERROR
                || status.getLevel() == Status.WARN && status.getThrowable() != null)) {
            errors.add(status);
        }
    }

    @Override
    public void listen(ConfigurationEvent event) {
        switch (event.getEventType()) {
            case CHANGE_DETECTED -> {
                errors.clear();
                changed = true;
            }
            // Logback fires "ended with XML parsing errors" inside the failed reading, when the context has no
            // appenders (a line then went nowhere): the line is written once it has gone back to the configuration it
            // had, which ends "successfully"
            case CONFIGURATION_ENDED_SUCCESSFULLY -> {
                if (changed) {
                    changed = false;
                    java.util.List<Status> seen = java.util.List.copyOf(errors);
                    errors.clear();
                    if (seen.stream().anyMatch(status -> status.getLevel() == Status.ERROR)) {
                        report(seen);
                    }
                }
            }
            default -> {
            }
        }
    }

    private void report(java.util.List<Status> seen) {
        URL file = ConfigurationWatchListUtil.getMainWatchURL(logback);
        String where = file == null ? "the logging configuration" : fileOf(file);
        SAXParseException parse = seen.stream().map(RescanFailures::parseError).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        Status error = seen.stream().filter(status -> status.getLevel() == Status.ERROR).findFirst().orElseThrow();
        org.slf4j.Logger log = logback.getLogger(RescanFailures.class.getName());
        if (parse != null) {
            log.warn("{} is not valid XML (line {}: {}): logging goes on as it was before the change; correct the file "
                    + "(it is read again within 30 seconds of a change)", where, parse.getLineNumber(),
                    parse.getMessage());
        } else {
            log.warn("{} has an error ({}): Logback applied the rest of it; correct the file (it is read again within "
                    + "30 seconds of a change)", where, error.getMessage()
                    + (error.getThrowable() == null ? "" : ": " + error.getThrowable().getMessage()));
        }
    }

    /** The XML parser's exception behind a status, or null. */
    static SAXParseException parseError(Status error) {
        for (Throwable cause = error.getThrowable(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SAXParseException parse) {
                return parse;
            }
        }
        return null;
    }

    private static String fileOf(URL url) {
        try {
            return java.nio.file.Path.of(url.toURI()).toString();
        } catch (Exception notAFile) {
            return url.toString();
        }
    }
}
