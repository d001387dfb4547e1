package org.carehost.clinical.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;

/** A validator's result is copied and bounded in its call ({@link ValidatorResults}); its required property is safe. */
class ValidatorResultsTest {

    private static final ValidationIssue WARNING = ValidationIssue.warning("Patient", "odd");

    @Test
    void aListThatNeverEndsIsRefusedOnceItPassesTheLimit() {
        AtomicInteger read = new AtomicInteger();
        List<ValidationIssue> endless = new AbstractList<>() {
            @Override
            public ValidationIssue get(int index) {
                read.incrementAndGet();
                return WARNING;
            }

            @Override
            public int size() {
                return Integer.MAX_VALUE;
            }
        };
        ValidatorResults.Failure failure = assertThrows(ValidatorResults.Failure.class,
                () -> ValidatorResults.copy(endless));
        assertTrue(failure.getMessage().contains("more than 100 issues"), failure.getMessage());
        assertEquals(ValidatorResults.MAX_ISSUES + 1, read.get(), "read one past the limit, no further");
    }

    @Test
    void theCopyIsTheContainersNullsLeftOut() {
        List<ValidationIssue> returned = new ArrayList<>(Arrays.asList(WARNING, null, ValidationIssue.error("a", "b")));
        List<ValidationIssue> copy = ValidatorResults.copy(returned);
        returned.clear(); // the plugin changing its list later changes nothing
        assertEquals(2, copy.size());
        assertThrows(UnsupportedOperationException.class, () -> copy.add(WARNING));
        assertEquals(List.of(), ValidatorResults.copy(null));
        List<ValidationIssue> full = new ArrayList<>();
        for (int i = 0; i < ValidatorResults.MAX_ISSUES; i++) {
            full.add(WARNING);
        }
        assertEquals(ValidatorResults.MAX_ISSUES, ValidatorResults.copy(full).size(), "the limit itself is fine");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void somethingOtherThanAnIssueIsRefusedByItsClassNeverItsText() {
        Object stranger = new Object() {
            @Override
            public String toString() {
                throw new AssertionError("the plugin's toString was called");
            }
        };
        List sneaky = new ArrayList<>(List.of(WARNING, stranger)); // heap pollution, as a plugin may return
        ValidatorResults.Failure failure = assertThrows(ValidatorResults.Failure.class,
                () -> ValidatorResults.copy(sneaky));
        assertTrue(failure.getMessage().contains("not a ValidationIssue"), failure.getMessage());
    }

    @Test
    void theRequiredPropertyIsReadOnlyAsABooleanOrAString() {
        Object plugins = new Object() {
            @Override
            public String toString() {
                throw new AssertionError("the plugin's toString was called");
            }
        };
        assertTrue(Validation.required(plugins), "an object of the plugin's: required (fail-closed)");
        assertTrue(Validation.required(null));
        assertTrue(Validation.required("true"));
        assertFalse(Validation.required(" FALSE "));
        assertFalse(Validation.required(Boolean.FALSE));
    }

    /** A validator cannot flood the writer's error, the audit trail, the log or the shell with its text. */
    @Test
    void eachIssuesTextAndAllOfItTogetherAreCutWithAMarker() {
        String megabyte = "x".repeat(1 << 20);
        List<ValidationIssue> flood = new ArrayList<>();
        for (int i = 0; i < ValidatorResults.MAX_ISSUES; i++) {
            flood.add(ValidationIssue.error(megabyte, megabyte));
        }
        List<ValidationIssue> copy = ValidatorResults.copy(flood);
        assertEquals(ValidatorResults.MAX_ISSUES, copy.size());
        ValidationIssue first = copy.get(0);
        assertTrue(first.path().startsWith("x".repeat(ValidatorResults.MAX_PATH) + "... ["
                + ((1 << 20) - ValidatorResults.MAX_PATH) + " more characters cut by the container]"),
                "path of " + first.path().length() + " characters");
        assertTrue(first.message().length() < ValidatorResults.MAX_MESSAGE + 80, "" + first.message().length());
        assertTrue(first.message().endsWith("more characters cut by the container]"));
        long total = copy.stream().mapToLong(issue -> issue.path().length() + issue.message().length()).sum();
        assertTrue(total < ValidatorResults.MAX_TEXT + 2 * ValidatorResults.MAX_ISSUES * 80, "total " + total);
        assertTrue(copy.get(ValidatorResults.MAX_ISSUES - 1).message().startsWith("... ["), "past the total, only "
                + "the marker: " + copy.get(ValidatorResults.MAX_ISSUES - 1).message());
        ValidationIssue small = ValidationIssue.warning("Patient.name", "odd");
        assertTrue(ValidatorResults.copy(List.of(small)).get(0) == small, "an issue within the limits is kept as is");
        String emoji = "a".repeat(ValidatorResults.MAX_MESSAGE - 1) + "\uD83D\uDE00";
        assertTrue(ValidatorResults.cut(emoji, ValidatorResults.MAX_MESSAGE).startsWith(
                "a".repeat(ValidatorResults.MAX_MESSAGE - 1) + "... [2 more"), "never half a character");
    }
}
