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

    @Test
    void whatIsNotWithheldIsSentAsWritten() {
        // superscripts, units and the joiners some scripts spell with are kept; NFKC would make 10⁹/L read 109/L
        assertEquals("[w]: WBC 4.1 × 10⁹/L, BSA 1.8 m², می‌خواهم",
                PhiMinimumImpl.replaceWhole("Anna: WBC 4.1 × 10⁹/L, BSA 1.8 m², می‌خواهم",
                        "Anna", "[w]"));
        // a fullwidth or zero-width-split name is still found, and a decomposed accent is the composed letter
        assertEquals("[w], [w], Jos\u00e9", PhiMinimumImpl.replaceWhole("\uff21\uff4e\uff4e\uff41, An\u200bna, Jose\u0301",
                "Anna", "[w]"));
        assertEquals("[w] came", PhiMinimumImpl.replaceWhole("Jose\u0301 came", "Jos\u00e9", "[w]"));
    }

    @Test
    void aValueIsFoundWithAnyRunOfWhiteSpaceWhereItHasSome() {
        assertEquals("call [w] now", PhiMinimumImpl.replaceWhole("call +1  555\t0100 now", "+1 555 0100", "[w]"));
        assertEquals("see [w].", PhiMinimumImpl.replaceWhole("see 12\nELM\u00a0street.", "12 Elm Street", "[w]"));
        assertEquals("not +1 555 01001", PhiMinimumImpl.replaceWhole("not +1 555 01001", "+1 555 0100", "[w]"),
                "a longer number is another number");
    }

    @Test
    void aPhoneNumberIsFoundWrittenWithOtherSeparatorsOrNone() {
        String phone = "+1 555 010 0199";
        for (String written : new String[] {"+1.555.010.0199", "+1/555/010/0199", "+1 (555) 010-0199", "15550100199",
                "+1-555-010-0199", "+1 555 010 0199", "(1) 555–010–0199"}) {
            assertEquals("call [w] today", PhiMinimumImpl.replaceWhole("call " + written + " today", phone, "[w]"),
                    written);
        }
        assertEquals("call [w].", PhiMinimumImpl.replaceWhole("call 555 010 0199.", "(555) 010-0199", "[w]"),
                "the stored value's own separators do not matter either");
        assertEquals("not 155501001990 or [w]", PhiMinimumImpl.replaceWhole("not 155501001990 or 5550100199",
                phone, "[w]"), "only the same digits, whole (the national number is the same number)");
        assertEquals("born [w]", PhiMinimumImpl.replaceWhole("born 1970/03/04", "1970-03-04", "[w]"));
    }

    @Test
    void anInternationalNumberIsFoundInItsNationalForms() {
        for (String written : new String[] {"555-010-0199", "(555) 010 0199", "5550100199"}) {
            assertEquals("call [w] today", PhiMinimumImpl.replaceWhole("call " + written + " today", "+1 555 010 0199",
                    "[w]"), written);
        }
        for (String written : new String[] {"020 7946 0958", "(020) 7946-0958", "44 20 7946 0958",
                "2079460958"}) {
            assertEquals("call [w] today", PhiMinimumImpl.replaceWhole("call " + written + " today", "+44 20 7946 0958",
                    "[w]"), written);
        }
        assertEquals("call 020 7946 09581", PhiMinimumImpl.replaceWhole("call 020 7946 09581", "+44 20 7946 0958",
                "[w]"), "a longer number is another number");
    }

    @Test
    void aDateIsFoundInTheOrdersAndFormsPeopleWriteIt() {
        for (String written : new String[] {"04/03/1970", "4/3/1970", "3/4/1970", "03/04/1970", "04.03.1970",
                "1970-3-4", "1970-03-04", "19700304", "4 March 1970", "March 4, 1970", "4th Mar. 1970", "4-Mar-1970",
                "Mar 4 1970"}) {
            assertEquals("born [w].", PhiMinimumImpl.replaceWhole("born " + written + ".", "1970-03-04", "[w]"),
                    written);
        }
        assertEquals("seen [w]T10:00Z", PhiMinimumImpl.replaceWhole("seen 1970-03-04T10:00Z", "1970-03-04", "[w]"),
                "a date-time's T ends the date");
        assertEquals("not 14/03/1970, 1970-03-041 or 4 Marchant 1970", PhiMinimumImpl.replaceWhole(
                "not 14/03/1970, 1970-03-041 or 4 Marchant 1970", "1970-03-04", "[w]"), "another date is not the date");
    }

    @Test
    void formatCharactersAndCompatibilityFormsDoNotHideAValue() {
        assertEquals("for [w]!", PhiMinimumImpl.replaceWhole("for Quis\u00adtorp!", "Quistorp", "[w]"),
                "a soft hyphen");
        assertEquals("for [w]!", PhiMinimumImpl.replaceWhole("for Quis\u200btorp!", "Quistorp", "[w]"),
                "a zero-width space");
        assertEquals("for [w]!", PhiMinimumImpl.replaceWhole("for Jose\u0301!", "Jos\u00e9", "[w]"),
                "a decomposed accent");
        assertEquals("call [w].", PhiMinimumImpl.replaceWhole("call \uff15\uff15\uff15\u2212010\u22120199.",
                "+1 555 010 0199", "[w]"), "fullwidth digits and minus signs");
    }

    @Test
    void aLongTextOfNearMissesIsMatchedInLinearTime() {
        String text = "1 2 3 4 5 6 7 8 9 ".repeat(20_000) + "04/03/197";
        long started = System.nanoTime();
        assertEquals(text, PhiMinimumImpl.replaceWhole(text, "+1 555 010 0199", "[w]"));
        assertEquals(text, PhiMinimumImpl.replaceWhole(text, "1970-03-04", "[w]"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(true, millis < 5_000, millis + " ms for a 360,000-character text");
    }

    @Test
    void valuesWithNonBreakingOrOtherUnicodeSpacesAreFound() {
        assertEquals("see [w].", PhiMinimumImpl.replaceWhole("see 12 Elm Street.", "12 Elm Street", "[w]"));
        assertEquals("see [w].", PhiMinimumImpl.replaceWhole("see 12 Elm Street.", "12 Elm Street", "[w]"));
        assertEquals("for [w]!", PhiMinimumImpl.replaceWhole("for Anna　Maria!", " Anna Maria ", "[w]"));
        assertEquals("short 555 01 stays", PhiMinimumImpl.replaceWhole("short 555 01 stays", "555.01", "[w]"),
                "a value of fewer than 7 digits is matched as written, not as a number");
    }

    @Test
    void anAppointmentsReasonIsOneOfItsValues() {
        java.time.Instant start = java.time.Instant.parse("2031-01-02T10:00:00Z");
        org.carehost.sdk.appointment.Appointment visit = org.carehost.sdk.appointment.Appointment.builder().id("a-1")
                .addParticipant(org.carehost.sdk.appointment.Participant.patient("p-1")).start(start)
                .end(start.plusSeconds(1800)).reason("chemotherapy review").build();
        assertEquals(true, PhiMinimumImpl.values(visit).contains("chemotherapy review"), PhiMinimumImpl.values(visit)
                .toString());
    }

    @Test
    void everyTextValueOfTheRecordIsFoundWithoutAListOfFields() {
        org.carehost.sdk.patient.Patient patient = org.carehost.sdk.patient.Patient.builder().id("p-1")
                .identifiers(java.util.List.of(org.carehost.sdk.patient.Identifier.mrn("urn:test:mrn", "MRN-7")))
                .names(java.util.List.of(org.carehost.sdk.patient.HumanName.official("Quistorp", "Isolda")))
                .birthDate(java.time.LocalDate.of(1970, 3, 4))
                .telecom(java.util.List.of(new org.carehost.sdk.patient.ContactPoint("phone", "+1 555 0100", "mobile")))
                .addresses(java.util.List.of(new org.carehost.sdk.patient.Address(java.util.List.of("12 Elm Street"),
                        "Springfield", "MA", "99501", "US")))
                .build();
        assertEquals(java.util.Set.of("MRN-7", "Quistorp", "Isolda", "1970-03-04", "+1 555 0100", "12 Elm Street",
                "Springfield", "99501"), PhiMinimumImpl.values(patient), "not the id, not coded elements (phone, MA, US)");
    }
}
