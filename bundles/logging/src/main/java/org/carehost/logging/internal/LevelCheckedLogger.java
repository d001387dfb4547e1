package org.carehost.logging.internal;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerConsumer;

/**
 * A Log Service logger that answers "is this level enabled?" from Logback, and hands everything it is given to the Log
 * Service's own logger, unchanged (which applies the Log Service's levels as before).
 *
 * <p>Why: Felix Log answers each {@code isDebugEnabled()} by building its logger context's names with
 * {@code String.format} (up to two per question), and Service Component Runtime asks before each of its many debug
 * lines: about 12 % of the start-level thread's samples of a warm start. Logback's answer is a comparison.
 *
 * <p>What is written does not change: an entry reaches Logback's appenders only when Logback enables its level (the
 * listener checks), and the Log Service's own levels follow Logback's ({@link LevelSync}); the delegate still applies
 * them to every entry it is handed. So a caller that asks first skips building only entries that never reached the log:
 * the levels disagree only where the Log Service has levels of its own for a bundle (its per-bundle logger contexts,
 * which the container does not set), and then the Log Service's stricter level decided before as well.
 */
final class LevelCheckedLogger implements Logger {

    private final Logger delegate;
    private final ch.qos.logback.classic.Logger levels;

    LevelCheckedLogger(Logger delegate, ch.qos.logback.classic.Logger levels) {
        this.delegate = delegate;
        this.levels = levels;
    }

    Logger delegate() {
        return delegate;
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override
    public boolean isTraceEnabled() {
        return levels.isTraceEnabled();
    }

    @Override
    public void trace(String message) {
        delegate.trace(message);
    }

    @Override
    public void trace(String format, Object arg) {
        delegate.trace(format, arg);
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        delegate.trace(format, arg1, arg2);
    }

    @Override
    public void trace(String format, Object... arguments) {
        delegate.trace(format, arguments);
    }

    @Override
    public <E extends Exception> void trace(LoggerConsumer<E> consumer) throws E {
        delegate.trace(consumer);
    }

    @Override
    public boolean isDebugEnabled() {
        return levels.isDebugEnabled();
    }

    @Override
    public void debug(String message) {
        delegate.debug(message);
    }

    @Override
    public void debug(String format, Object arg) {
        delegate.debug(format, arg);
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        delegate.debug(format, arg1, arg2);
    }

    @Override
    public void debug(String format, Object... arguments) {
        delegate.debug(format, arguments);
    }

    @Override
    public <E extends Exception> void debug(LoggerConsumer<E> consumer) throws E {
        delegate.debug(consumer);
    }

    @Override
    public boolean isInfoEnabled() {
        return levels.isInfoEnabled();
    }

    @Override
    public void info(String message) {
        delegate.info(message);
    }

    @Override
    public void info(String format, Object arg) {
        delegate.info(format, arg);
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        delegate.info(format, arg1, arg2);
    }

    @Override
    public void info(String format, Object... arguments) {
        delegate.info(format, arguments);
    }

    @Override
    public <E extends Exception> void info(LoggerConsumer<E> consumer) throws E {
        delegate.info(consumer);
    }

    @Override
    public boolean isWarnEnabled() {
        return levels.isWarnEnabled();
    }

    @Override
    public void warn(String message) {
        delegate.warn(message);
    }

    @Override
    public void warn(String format, Object arg) {
        delegate.warn(format, arg);
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        delegate.warn(format, arg1, arg2);
    }

    @Override
    public void warn(String format, Object... arguments) {
        delegate.warn(format, arguments);
    }

    @Override
    public <E extends Exception> void warn(LoggerConsumer<E> consumer) throws E {
        delegate.warn(consumer);
    }

    @Override
    public boolean isErrorEnabled() {
        return levels.isErrorEnabled();
    }

    @Override
    public void error(String message) {
        delegate.error(message);
    }

    @Override
    public void error(String format, Object arg) {
        delegate.error(format, arg);
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        delegate.error(format, arg1, arg2);
    }

    @Override
    public void error(String format, Object... arguments) {
        delegate.error(format, arguments);
    }

    @Override
    public <E extends Exception> void error(LoggerConsumer<E> consumer) throws E {
        delegate.error(consumer);
    }

    @Override
    public void audit(String message) {
        delegate.audit(message);
    }

    @Override
    public void audit(String format, Object arg) {
        delegate.audit(format, arg);
    }

    @Override
    public void audit(String format, Object arg1, Object arg2) {
        delegate.audit(format, arg1, arg2);
    }

    @Override
    public void audit(String format, Object... arguments) {
        delegate.audit(format, arguments);
    }
}
