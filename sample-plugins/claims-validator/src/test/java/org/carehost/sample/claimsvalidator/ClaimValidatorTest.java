package org.carehost.sample.claimsvalidator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.carehost.sdk.claim.Claim;
import org.carehost.sdk.resource.Severity;
import org.carehost.sdk.resource.ValidationIssue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimValidatorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 1);
    /** The example NPI in the CMS check-digit guide. */
    private static final String NPI = "1234567893";

    private final ClaimValidator validator = new ClaimValidator(CLOCK);

    private static Claim claim(String npi, List<String> diagnoses, List<String> procedures, List<BigDecimal> lines,
            BigDecimal total, LocalDate serviceDate) {
        return new Claim("p-1", npi, diagnoses, procedures, lines, total, serviceDate);
    }

    private static Claim valid() {
        return claim(NPI, List.of("E11.9", "S72.001A", "J45"), List.of("99213", "0001U", "J3490"),
                List.of(new BigDecimal("120.00"), new BigDecimal("45.5"), new BigDecimal("10")),
                new BigDecimal("175.50"), TODAY);
    }

    private List<String> paths(Claim claim) {
        return validator.validate(claim).stream().map(ValidationIssue::path).toList();
    }

    @Test
    void validClaimHasNoIssues() {
        assertEquals(List.of(), validator.validate(valid()));
        assertEquals(Claim.class, validator.resourceType());
    }

    @Test
    void nullClaimIsAnIssueNotAnException() {
        assertEquals(List.of("Claim"), paths(null));
    }

    @Test
    void npiCheckDigitFollowsCmsRules() {
        assertTrue(Npi.hasValidCheckDigit("1234567893"));
        assertFalse(Npi.hasValidCheckDigit("1234567890"));
        // Without the 80840 prefix the plain Luhn check of 1234567893 fails: the prefix matters.
        assertFalse(Npi.luhnValid("1234567893"));
        assertTrue(Npi.luhnValid("808401234567893"));
        assertFalse(Npi.hasValidCheckDigit("123456789"));
        assertFalse(Npi.hasValidCheckDigit("12345678a3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890", "123456789", "12345678931", "12345-7893", ""})
    void badNpiIsAnError(String npi) {
        Claim claim = claim(npi, valid().diagnosisCodes(), valid().procedureCodes(), valid().lineAmounts(),
                valid().total(), TODAY);
        assertEquals(List.of("Claim.providerNpi"), paths(claim));
    }

    @ParameterizedTest
    @ValueSource(strings = {"E119", "e11.9", "11.9", "E1", "E11.", "E11.90001", "S72-001A", "E11.9 "})
    void malformedDiagnosisIsAnErrorAtItsIndex(String code) {
        Claim claim = claim(NPI, List.of("E11.9", code), valid().procedureCodes(), valid().lineAmounts(),
                valid().total(), TODAY);
        List<ValidationIssue> issues = validator.validate(claim);
        assertEquals(List.of("Claim.diagnosis[1]"), issues.stream().map(ValidationIssue::path).toList());
        assertEquals(Severity.ERROR, issues.get(0).severity());
    }

    @Test
    void threeCharacterCategoriesAndLongSubcategoriesAreAccepted() {
        // A code may stop at its 3-character category (A00) or carry a dotted subcategory (Z99.89).
        assertEquals(List.of(), paths(claim(NPI, List.of("A00", "Z99.89"), valid().procedureCodes(),
                valid().lineAmounts(), valid().total(), TODAY)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9921", "992131", "0001X", "W1234", "j3490", "A123", "ABCDE"})
    void malformedProcedureIsAnErrorAtItsIndex(String code) {
        Claim claim = claim(NPI, valid().diagnosisCodes(), List.of("99213", "0001U", code), valid().lineAmounts(),
                valid().total(), TODAY);
        assertEquals(List.of("Claim.procedure[2]"), paths(claim));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99213", "0002F", "0042T", "0001U", "A0021", "G0008", "V2020"})
    void cptAndHcpcsCodesAreAccepted(String code) {
        Claim claim = claim(NPI, valid().diagnosisCodes(), List.of(code), List.of(BigDecimal.TEN), BigDecimal.TEN,
                TODAY);
        assertEquals(List.of(), paths(claim));
    }

    @Test
    void emptyCodeListsAreErrors() {
        Claim claim = claim(NPI, List.of(), List.of(), List.of(), BigDecimal.ZERO, TODAY);
        assertEquals(List.of("Claim.diagnosis", "Claim.procedure"), paths(claim));
    }

    @Test
    void lineAmountsMustBePositiveWithAtMostTwoDecimals() {
        Claim claim = claim(NPI, valid().diagnosisCodes(), valid().procedureCodes(),
                List.of(new BigDecimal("0"), new BigDecimal("-5.00"), new BigDecimal("1.005")), new BigDecimal("-3.995"),
                TODAY);
        assertEquals(List.of("Claim.lineAmount[0]", "Claim.lineAmount[1]", "Claim.lineAmount[2]", "Claim.total"),
                paths(claim));
    }

    @Test
    void trailingZerosDoNotCountAsDecimals() {
        Claim claim = claim(NPI, valid().diagnosisCodes(), List.of("99213"), List.of(new BigDecimal("12.500")),
                new BigDecimal("12.5"), TODAY);
        assertEquals(List.of(), paths(claim));
    }

    @Test
    void totalMustEqualTheSumOfTheLines() {
        Claim claim = claim(NPI, valid().diagnosisCodes(), valid().procedureCodes(), valid().lineAmounts(),
                new BigDecimal("175.49"), TODAY);
        List<ValidationIssue> issues = validator.validate(claim);
        assertEquals(List.of("Claim.total"), issues.stream().map(ValidationIssue::path).toList());
        assertTrue(issues.get(0).message().contains("175.50"), issues.get(0).message());
    }

    @Test
    void nullLineIsReportedAndTheSumIsNotChecked() {
        List<BigDecimal> lines = Arrays.asList(new BigDecimal("120.00"), null, new BigDecimal("10"));
        Claim claim = claim(NPI, valid().diagnosisCodes(), valid().procedureCodes(), lines, new BigDecimal("1"), TODAY);
        assertEquals(List.of("Claim.lineAmount[1]"), paths(claim));
    }

    @Test
    void oneLineAmountPerProcedure() {
        Claim claim = claim(NPI, valid().diagnosisCodes(), valid().procedureCodes(), List.of(BigDecimal.TEN),
                BigDecimal.TEN, TODAY);
        assertEquals(List.of("Claim.lineAmount"), paths(claim));
    }

    @Test
    void serviceDateMustBePresentAndNotInTheFuture() {
        Claim base = valid();
        assertEquals(List.of("Claim.serviceDate"), paths(claim(NPI, base.diagnosisCodes(), base.procedureCodes(),
                base.lineAmounts(), base.total(), null)));
        assertEquals(List.of("Claim.serviceDate"), paths(claim(NPI, base.diagnosisCodes(), base.procedureCodes(),
                base.lineAmounts(), base.total(), TODAY.plusDays(1))));
    }

    @Test
    void everyIssueIsReturned() {
        Claim claim = new Claim(" ", "1234567890", List.of("E11.9", "bad"), List.of("nope"),
                List.of(new BigDecimal("1.234")), null, TODAY.plusDays(3));
        assertEquals(List.of("Claim.patientId", "Claim.providerNpi", "Claim.diagnosis[1]", "Claim.procedure[0]",
                "Claim.lineAmount[0]", "Claim.total", "Claim.serviceDate"), paths(claim));
    }

    @Test
    void claimIsImmutable() {
        List<String> diagnoses = new ArrayList<>(List.of("E11.9"));
        Claim claim = claim(NPI, diagnoses, List.of("99213"), List.of(BigDecimal.ONE), BigDecimal.ONE, TODAY);
        diagnoses.add("J45");
        assertEquals(List.of("E11.9"), claim.diagnosisCodes());
        assertThrows(UnsupportedOperationException.class, () -> claim.diagnosisCodes().add("J45"));
        assertEquals(List.of(), new Claim(null, null, null, null, null, null, null).procedureCodes());
    }
}
