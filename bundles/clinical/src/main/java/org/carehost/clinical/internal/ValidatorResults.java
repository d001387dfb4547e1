package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.resource.ValidationIssue;

/**
 * What a validator returns, made the container's inside its call into the plugin (on the call's own thread, within
 * its deadline), so that the writer's thread never runs the plugin's code: the {@code List} it returns is copied there
 * (its iterator and size are the plugin's code), at most {@link #MAX_ISSUES} issues. A list that never ends then ends
 * at the limit, or at the call's deadline, never on the writer's thread. Each issue's text is bounded too (its path
 * to {@link #MAX_PATH} characters, its message to {@link #MAX_MESSAGE}, all of them together to {@link #MAX_TEXT}),
 * cut with a marker that says how much was left out: what a validator says reaches the writer's error, the audit
 * trail, the log and the shell, which no plugin may flood. (What it throws is described on the call's
 * thread by {@link org.carehost.plugins.PluginCalls} itself.)
 */
final class ValidatorResults {

    /** The most issues one validator may report about one write; more is a failure of the validator. */
    static final int MAX_ISSUES = 100;
    /** The most characters of one issue's path kept. */
    static final int MAX_PATH = 200;
    /** The most characters of one issue's message kept. */
    static final int MAX_MESSAGE = 1000;
    /** The most characters of paths and messages kept over all of one validator's issues about one write. */
    static final int MAX_TEXT = 16_000;

    private ValidatorResults() {
    }

    /**
     * A copy of the validator's issues (nulls left out), at most {@link #MAX_ISSUES}; runs inside the call.
     *
     * @throws Failure when it returned more issues, or something other than issues
     */
    static List<ValidationIssue> copy(List<?> returned) {
        if (returned == null) {
            return List.of();
        }
        List<ValidationIssue> issues = new ArrayList<>();
        int budget = MAX_TEXT;
        for (Object element : returned) {
            if (element == null) {
                continue;
            }
            if (!(element instanceof ValidationIssue issue)) { // ValidationIssue is a record: a final class
                throw new Failure("it returned a " + element.getClass().getName() + " among its issues, not a "
                        + "ValidationIssue");
            }
            if (issues.size() == MAX_ISSUES) {
                throw new Failure("it returned more than " + MAX_ISSUES + " issues (at most " + MAX_ISSUES
                        + " per validator and write)");
            }
            String path = cut(issue.path(), Math.min(MAX_PATH, Math.max(0, budget)));
            budget -= path.length();
            String message = cut(issue.message(), Math.min(MAX_MESSAGE, Math.max(0, budget)));
            budget -= message.length();
            issues.add(path == issue.path() && message == issue.message() ? issue
                    : new ValidationIssue(issue.severity(), path, message));
        }
        return List.copyOf(issues);
    }

    /**
     * {@code text} itself when it has at most {@code most} characters, else its start, never half a character, and a
     * marker of what was left out.
     */
    static String cut(String text, int most) {
        if (text.length() <= most) {
            return text;
        }
        int kept = Math.max(0, most);
        if (kept > 0 && Character.isHighSurrogate(text.charAt(kept - 1))) {
            kept--;
        }
        return text.substring(0, kept) + "... [" + (text.length() - kept) + " more characters cut by the container]";
    }

    /** A validator's result refused, in the container's words. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
