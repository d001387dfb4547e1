package org.carehost.scheduler.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;

import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week) and its next time in a time zone.
 * Written here rather than taken from a library: the well-kept Java cron libraries (cron-utils, Quartz) bring
 * dependencies and dialects (seconds, years, Quartz's '?') that this one syntax does not need, and what is needed,
 * the next matching local minute converted with java.time's daylight saving rules, is a short loop.
 *
 * <p>As in classic cron, when both day of month and day of week are restricted, a day matching either runs. A
 * local time skipped by a daylight saving change runs at the instant java.time maps it to (the same minute after
 * the change); a local time that occurs twice runs once, at its first occurrence.
 */
final class Cron {

    private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    /** Far enough for any valid expression (29 February on a Monday recurs within 28 years). */
    private static final int MAX_YEARS = 30;

    private final String expression;
    private final BitSet[] fields = new BitSet[5];
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private Cron(String expression) {
        this.expression = expression;
        String[] parts = expression.trim().split("\\s+");
        if (parts.length != 5) {
            throw invalid(expression, "has " + parts.length + " fields; write five: minute hour day-of-month month "
                    + "day-of-week, e.g. '0 8 * * 1-5'");
        }
        for (int i = 0; i < 5; i++) {
            fields[i] = field(expression, i, parts[i]);
        }
        if (fields[4].get(7)) {
            fields[4].set(0); // 7 is Sunday too
        }
        anyDayOfMonth = parts[2].equals("*");
        anyDayOfWeek = parts[4].equals("*");
    }

    static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw invalid(String.valueOf(expression), "is empty");
        }
        return new Cron(expression);
    }

    @Override
    public String toString() {
        return expression;
    }

    /** The first time strictly after {@code after} that the expression names, in {@code zone}. */
    Instant next(Instant after, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDateTime limit = local.plusYears(MAX_YEARS);
        while (local.isBefore(limit)) {
            if (!fields[3].get(local.getMonthValue())) {
                local = local.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
                continue;
            }
            if (!dayMatches(local)) {
                local = local.withHour(0).withMinute(0).plusDays(1);
                continue;
            }
            if (!fields[1].get(local.getHour())) {
                local = local.withMinute(0).plusHours(1);
                continue;
            }
            if (!fields[0].get(local.getMinute())) {
                local = local.plusMinutes(1);
                continue;
            }
            Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
            if (at.isAfter(after)) {
                return at;
            }
            local = local.plusMinutes(1); // a repeated local time (autumn): its second occurrence is not run again
        }
        throw invalid(expression, "names no time in the next " + MAX_YEARS + " years");
    }

    private boolean dayMatches(LocalDateTime local) {
        boolean dayOfMonth = fields[2].get(local.getDayOfMonth());
        boolean dayOfWeek = fields[4].get(local.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dayOfMonth && dayOfWeek;
        }
        return dayOfMonth || dayOfWeek;
    }

    private static BitSet field(String expression, int index, String text) {
        int min = RANGES[index][0];
        int max = RANGES[index][1];
        BitSet bits = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(expression, index, item.substring(slash + 1), 1, max);
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw invalid(expression, NAMES[index] + " '" + item + "' is not a range a-b");
                }
                from = number(expression, index, ends[0], min, max);
                to = number(expression, index, ends[1], min, max);
                if (from > to) {
                    throw invalid(expression, NAMES[index] + " range '" + range + "' runs backwards");
                }
            } else {
                from = number(expression, index, range, min, max);
                to = slash >= 0 ? max : from;
            }
            for (int value = from; value <= to; value += step) {
                bits.set(value);
            }
        }
        return bits;
    }

    private static int number(String expression, int index, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // the message below
        }
        throw invalid(expression, NAMES[index] + " '" + text + "' is not a number from " + min + " to " + max);
    }

    private static ValidationException invalid(String expression, String problem) {
        return new ValidationException("ScheduledJob", List.of(ValidationIssue.error("cron",
                "'" + expression + "' " + problem)));
    }
}
