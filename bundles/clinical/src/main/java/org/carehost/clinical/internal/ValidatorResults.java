package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.carehost.sdk.resource.ValidationIssue;

/**
 * What a validator gives, made the container's inside its call into the plugin (on the call's own thread, within its
 * deadline), so that the writer's thread never runs the plugin's code: the {@code List} it returns is copied there
 * (its iterator and size are the plugin's code), at most {@link #MAX_ISSUES} issues, and what it throws is described
 * there (a plugin's exception's {@code getMessage} and {@code toString} are its code too) and replaced by a
 * {@link Failure} of the container's. A list that never ends, or an exception whose message never comes, then ends at
 * the limit or at the call's deadline, never on the writer's thread.
 */
final class ValidatorResults {

    /** The most issues one validator may report about one write; more is a failure of the validator. */
    static final int MAX_ISSUES = 100;
    /** How much of a plugin's exception text is kept. */
    static final int MAX_TEXT = 500;

    private ValidatorResults() {
    }

    /**
     * Runs {@code plugin} (the call into the validator) and copies what it returns; runs inside the call.
     *
     * @throws Failure when the validator (or the list it returned) threw, described here, or it returned too many
     *         issues or something other than issues
     */
    static List<ValidationIssue> issues(Callable<? extends List<?>> plugin) {
        return inCall(() -> copy(plugin.call()));
    }

    /**
     * Runs {@code plugin} inside the call; what it throws is described here and replaced by a {@link Failure}.
     *
     * @throws Failure when the plugin's code threw
     */
    static <R> R inCall(Callable<R> plugin) {
        try {
            return plugin.call();
        } catch (Failure ours) {
            throw ours;
        } catch (Throwable thrown) { // anything the plugin throws, checked exceptions it sneaked out too
            throw new Failure(cut(thrown.getClass().getName() + ": " + thrown.getMessage()));
        }
    }

    /** A copy of the validator's issues (nulls left out), at most {@link #MAX_ISSUES}; runs inside the call. */
    static List<ValidationIssue> copy(List<?> returned) {
        if (returned == null) {
            return List.of();
        }
        List<ValidationIssue> issues = new ArrayList<>();
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
            issues.add(issue);
        }
        return List.copyOf(issues);
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }

    /** A validator's failure, told in the container's words (its text read inside the call). */
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
