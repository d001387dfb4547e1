package org.carehost.logging.internal;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * What a plugin may write to the log: at most {@value #CHARS_PER_MINUTE} characters of lines in a minute (each line
 * counted as its message's length plus {@value #LINE_CHARS}, for its time, level and names), by the minute of each
 * line's own time stamp; the line that would go over it, and every later line of that plugin in that minute, is left
 * out of every appender, and the container says once a minute, in a line of its own, which plugin's lines are being
 * left out. Red team 19: a plugin with no permission logged 1 MiB
 * lines, under its CPU budget, and in six minutes Logback's size cap (2 GB in etc/logback.xml) had deleted every line
 * the container wrote before: the history of refusals, quarantines and operators' actions in the log. The container's
 * own lines are never counted. Who wrote a line is {@link Origins}' answer, the one definition.
 *
 * <p>A filter of this bundle goes first in the filter list of each appender of the root logger (before any filter
 * that accepts a line), put back after each reading of etc/logback.xml ({@link FiltersFirst}). Written here:
 * Logback has no filter that knows which bundle's code logged a line.
 */
final class PluginLogBudget extends FiltersFirst {

    static final long CHARS_PER_MINUTE = 1 << 20;
    static final int LINE_CHARS = 100;
    static final String LOGGER = "org.carehost.logging";

    private final Function<ILoggingEvent, String> origin;
    private final Map<String, Minute> minutes = new ConcurrentHashMap<>();
    /** Says a plugin is over its budget, on a thread of its own: never from inside an appender, which drops it. */
    private final ExecutorService warnings = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "carehost-log-budget");
        thread.setDaemon(true);
        return thread;
    });
    /** The last line decided and whether it was written (each appender asks about the same line). */
    private volatile Decided last = new Decided(new WeakReference<>(null), FilterReply.NEUTRAL);

    private record Decided(WeakReference<ILoggingEvent> event, FilterReply reply) {
    }

    /** One plugin's use in one minute. Guarded by itself. */
    private static final class Minute {
        private long minute = Long.MIN_VALUE;
        private long chars;
        private long leftOut;
    }

    /** @param origin the label of a line's writer: empty for the container's ({@link Origins#of}) */
    PluginLogBudget(LoggerContext logback, Function<ILoggingEvent, String> origin) {
        super(logback);
        this.origin = origin;
    }

    @Override
    void uninstall() {
        super.uninstall();
        warnings.shutdownNow();
    }

    @Override
    boolean wants(Appender<ILoggingEvent> appender) {
        return true;
    }

    @Override
    boolean isOwn(Filter<ILoggingEvent> filter) {
        return filter instanceof BudgetFilter;
    }

    @Override
    Filter<ILoggingEvent> filter() {
        return new BudgetFilter();
    }

    /** Whether the line is written: DENY for a plugin's line over its budget, else NEUTRAL (the next filters decide). */
    FilterReply decide(ILoggingEvent event) {
        Decided memo = last;
        if (memo.event().get() == event) {
            return memo.reply();
        }
        FilterReply reply = count(event);
        last = new Decided(new WeakReference<>(event), reply);
        return reply;
    }

    private FilterReply count(ILoggingEvent event) {
        String label = origin.apply(event);
        if (label.isEmpty()) {
            return FilterReply.NEUTRAL; // the container's
        }
        String message = event.getFormattedMessage();
        long chars = (message == null ? 0 : message.length()) + LINE_CHARS;
        long minute = event.getTimeStamp() / 60_000;
        Minute used = minutes.computeIfAbsent(label, key -> new Minute());
        boolean first;
        synchronized (used) {
            if (used.minute != minute) {
                used.minute = minute;
                used.chars = 0;
                used.leftOut = 0;
            }
            if (used.leftOut == 0 && used.chars + chars <= CHARS_PER_MINUTE) {
                used.chars += chars;
                return FilterReply.NEUTRAL;
            }
            first = used.leftOut++ == 0;
        }
        if (first) {
            String who = label.endsWith(": ") ? label.substring(0, label.length() - 2) : label;
            try {
                warnings.execute(() -> logback.getLogger(LOGGER).warn("The log leaves out {}'s lines until the minute "
                        + "is over: it wrote more than {} characters in this one (a plugin's log budget keeps the "
                        + "container's history in data/log from being rolled away)", who, CHARS_PER_MINUTE));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // this bundle is stopping
            }
        }
        return FilterReply.DENY;
    }

    /** The filter each appender gets. */
    final class BudgetFilter extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return PluginLogBudget.this.decide(event);
        }
    }
}
