package org.carehost.clinical.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiMinimumTest {

    @Test
    void aValueIsReplacedOnlyWhereItStandsWholeIgnoringCase() {
        assertEquals("call [w], not 5550100123", PhiMinimumImpl.replaceWhole("call 555-0100, not 5550100123", "555-0100", "[w]"));
        assertEquals("[w] and Annabel, [w]", PhiMinimumImpl.replaceWhole("Anna and Annabel, ANNA", "anna", "[w]"));
        assertEquals("a (b) c? [w]", PhiMinimumImpl.replaceWhole("a (b) c? x.y+z", "x.y+z", "[w]"));
        assertEquals("$1 [w]", PhiMinimumImpl.replaceWhole("$1 Ørsted", "ørsted", "[w]"));
        assertEquals("id $0", PhiMinimumImpl.replaceWhole("id 42", "42", "$0"));
    }
}
