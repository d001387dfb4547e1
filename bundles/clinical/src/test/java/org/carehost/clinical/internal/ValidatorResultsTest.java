package org.carehost.clinical.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;

/** A validator's result is copied, bounded, and its exceptions described, in the call ({@link ValidatorResults}). */
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
                () -> ValidatorResults.issues(() -> endless));
        assertTrue(failure.getMessage().contains("more than 100 issues"), failure.getMessage());
        assertEquals(ValidatorResults.MAX_ISSUES + 1, read.get(), "read one past the limit, no further");
    }

    @Test
    void theCopyIsTheContainersNullsLeftOut() {
        List<ValidationIssue> returned = new ArrayList<>(Arrays.asList(WARNING, null, ValidationIssue.error("a", "b")));
        List<ValidationIssue> copy = ValidatorResults.issues(() -> returned);
        returned.clear(); // the plugin changing its list later changes nothing
        assertEquals(2, copy.size());
        assertThrows(UnsupportedOperationException.class, () -> copy.add(WARNING));
        assertEquals(List.of(), ValidatorResults.issues(() -> null));
        List<ValidationIssue> full = new ArrayList<>();
        for (int i = 0; i < ValidatorResults.MAX_ISSUES; i++) {
            full.add(WARNING);
        }
        assertEquals(ValidatorResults.MAX_ISSUES, ValidatorResults.issues(() -> full).size(), "the limit itself is fine");
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
                () -> ValidatorResults.issues(() -> sneaky));
        assertTrue(failure.getMessage().contains("not a ValidationIssue"), failure.getMessage());
    }

    @Test
    void whatThePluginThrowsIsDescribedInTheCallAndReplaced() {
        AtomicInteger asked = new AtomicInteger();
        RuntimeException sly = new IllegalStateException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                asked.incrementAndGet();
                return "x".repeat(10_000);
            }
        };
        List<ValidationIssue> throwing = new AbstractList<>() {
            @Override
            public Iterator<ValidationIssue> iterator() {
                throw sly; // the list's own code throws, after validate returned
            }

            @Override
            public ValidationIssue get(int index) {
                throw sly;
            }

            @Override
            public int size() {
                return 1;
            }
        };
        ValidatorResults.Failure failure = assertThrows(ValidatorResults.Failure.class,
                () -> ValidatorResults.issues(() -> throwing));
        assertEquals(1, asked.get(), "its message read once, here");
        assertTrue(failure.getMessage().startsWith(sly.getClass().getName() + ": xxx"));
        assertTrue(failure.getMessage().length() < ValidatorResults.MAX_TEXT + 10, "cut");
        assertEquals(failure.getMessage(), failure.toString());
        assertEquals(null, failure.getCause(), "the plugin's exception is not kept: nobody calls it later");
        assertThrows(ValidatorResults.Failure.class, () -> ValidatorResults.inCall(() -> {
            throw sly;
        }));
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
}
