package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;

import org.carehost.sdk.resource.ValidationIssue;

/**
 * What a validator returns, made the container's inside its call into the plugin (on the call's own thread, within
 * its deadline), so that the writer's thread never runs the plugin's code: the {@code List} it returns is copied there
 * (its iterator and size are the plugin's code), at most {@link #MAX_ISSUES} issues. A list that never ends then ends
 * at the limit, or at the call's deadline, never on the writer's thread. (What it throws is described on the call's
 * thread by {@link org.carehost.plugins.PluginCalls} itself.)
 */
final class ValidatorResults {

    /** The most issues one validator may report about one write; more is a failure of the validator. */
    static final int MAX_ISSUES = 100;

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
