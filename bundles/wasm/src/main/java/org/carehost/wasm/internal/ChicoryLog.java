package org.carehost.wasm.internal;

import org.osgi.service.log.Logger;

/** Chicory's and Extism's log lines (the module's {@code log_info} and the like) in the plugin's log. */
final class ChicoryLog implements com.dylibso.chicory.log.Logger {

    private final Logger log;

    ChicoryLog(Logger log) {
        this.log = log;
    }

    @Override
    public void log(Level level, String message, Throwable error) {
        String text = error == null ? message : message + ": " + error;
        switch (level) {
            case ERROR: log.error("{}", text); break;
            case WARNING: log.warn("{}", text); break;
            case INFO: log.info("{}", text); break;
            case DEBUG: log.debug("{}", text); break;
            default: log.trace("{}", text); break;
        }
    }

    @Override
    public boolean isLoggable(Level level) {
        switch (level) {
            case ERROR: return log.isErrorEnabled();
            case WARNING: return log.isWarnEnabled();
            case INFO: return log.isInfoEnabled();
            case DEBUG: return log.isDebugEnabled();
            default: return log.isTraceEnabled();
        }
    }
}
