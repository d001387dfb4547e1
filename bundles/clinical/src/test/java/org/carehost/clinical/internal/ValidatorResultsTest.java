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
}
