package org.carehost.sample.claimsvalidator;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.carehost.sdk.claim.Claim;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a {@link Claim} before it goes to a payer, reporting every problem at once: a payer rejects a
 * claim for the first error it finds, and each round trip costs days. Checks shape only (a well-formed
 * ICD-10-CM code may still not exist in this year's code set). Needs no host permission.
 */
@Component(service = Validator.class)
public class ClaimValidator implements Validator<Claim> {

    // Letter, digit, letter-or-digit, then optionally '.' and 1-4 letters-or-digits: E11.9, S72.001A, J45.
    private static final Pattern ICD10CM = Pattern.compile("[A-Z][0-9][A-Z0-9](\\.[A-Z0-9]{1,4})?");
    // CPT: five digits (99213), or four digits and F (performance measures), T (emerging technology) or
    // U (proprietary laboratory analyses).
    private static final Pattern CPT = Pattern.compile("[0-9]{5}|[0-9]{4}[FTU]");
    // HCPCS Level II: a letter A-V and four digits (J3490, G0008).
    private static final Pattern HCPCS = Pattern.compile("[A-V][0-9]{4}");
    private static final Pattern NPI_SHAPE = Pattern.compile("[0-9]{10}");

    private final Clock clock;

    @Activate
    public ClaimValidator() {
        this(Clock.systemUTC());
    }

    /** For tests: a fixed clock makes "not in the future" checkable. */
    ClaimValidator(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Class<Claim> resourceType() {
        return Claim.class;
    }

    @Override
    public List<ValidationIssue> validate(Claim claim) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (claim == null) {
            issues.add(ValidationIssue.error("Claim", "no claim given"));
            return issues;
        }
        if (claim.patientId() == null || claim.patientId().isBlank()) {
            issues.add(ValidationIssue.error("Claim.patientId", "patient id is required"));
        }
        checkNpi(claim.providerNpi(), issues);
        checkDiagnoses(claim.diagnosisCodes(), issues);
        checkProcedures(claim.procedureCodes(), issues);
        checkAmounts(claim, issues);
        checkServiceDate(claim.serviceDate(), issues);
        return issues;
    }

    private static void checkNpi(String npi, List<ValidationIssue> issues) {
        String path = "Claim.providerNpi";
        if (npi == null || npi.isBlank()) {
            issues.add(ValidationIssue.error(path, "provider NPI is required"));
        } else if (!NPI_SHAPE.matcher(npi).matches()) {
            issues.add(ValidationIssue.error(path, "NPI must be exactly 10 digits"));
        } else if (!Npi.hasValidCheckDigit(npi)) {
            issues.add(ValidationIssue.error(path, "NPI check digit is wrong (Luhn with prefix 80840)"));
        }
    }

    // Messages do not repeat the codes: tied to a claim they are health information, and issues get logged.
    private static void checkDiagnoses(List<String> codes, List<ValidationIssue> issues) {
        if (codes.isEmpty()) {
            issues.add(ValidationIssue.error("Claim.diagnosis", "at least one diagnosis code is required"));
        }
        for (int i = 0; i < codes.size(); i++) {
            String code = codes.get(i);
            if (code == null || !ICD10CM.matcher(code).matches()) {
                issues.add(ValidationIssue.error("Claim.diagnosis[" + i + "]",
                        "not an ICD-10-CM code (e.g. E11.9, S72.001A)"));
            }
        }
    }

    private static void checkProcedures(List<String> codes, List<ValidationIssue> issues) {
        if (codes.isEmpty()) {
            issues.add(ValidationIssue.error("Claim.procedure", "at least one procedure code is required"));
        }
        for (int i = 0; i < codes.size(); i++) {
            String code = codes.get(i);
            if (code == null || !(CPT.matcher(code).matches() || HCPCS.matcher(code).matches())) {
                issues.add(ValidationIssue.error("Claim.procedure[" + i + "]",
                        "neither a CPT code (99213, 0001U) nor a HCPCS Level II code (J3490)"));
            }
        }
    }

    private static void checkAmounts(Claim claim, List<ValidationIssue> issues) {
        List<BigDecimal> lines = claim.lineAmounts();
        // Each procedure is one service line with one charge: a count mismatch means a line was dropped.
        if (lines.size() != claim.procedureCodes().size()) {
            issues.add(ValidationIssue.error("Claim.lineAmount", lines.size() + " line amount(s) for "
                    + claim.procedureCodes().size() + " procedure(s); there must be one per procedure"));
        }
        BigDecimal sum = BigDecimal.ZERO;
        boolean sumKnown = true;
        for (int i = 0; i < lines.size(); i++) {
            BigDecimal amount = lines.get(i);
            String path = "Claim.lineAmount[" + i + "]";
            if (amount == null) {
                issues.add(ValidationIssue.error(path, "line amount is required"));
                sumKnown = false;
                continue;
            }
            if (amount.signum() <= 0) {
                issues.add(ValidationIssue.error(path, "line amount must be greater than 0, not " + amount));
            }
            if (!hasAtMostTwoDecimals(amount)) {
                issues.add(ValidationIssue.error(path, "line amount " + amount + " has more than 2 decimals"));
            }
            sum = sum.add(amount);
        }
        BigDecimal total = claim.total();
        if (total == null) {
            issues.add(ValidationIssue.error("Claim.total", "total is required"));
        } else {
            if (!hasAtMostTwoDecimals(total)) {
                issues.add(ValidationIssue.error("Claim.total", "total " + total + " has more than 2 decimals"));
            }
            // compareTo, not equals: 100.0 and 100.00 are the same amount but not equal BigDecimals.
            if (sumKnown && total.compareTo(sum) != 0) {
                issues.add(ValidationIssue.error("Claim.total",
                        "total " + total + " is not the sum of the line amounts (" + sum + ")"));
            }
        }
    }

    // Numeric, not textual: 12.50 and 12.500 are both a whole number of cents.
    private static boolean hasAtMostTwoDecimals(BigDecimal amount) {
        return amount.stripTrailingZeros().scale() <= 2;
    }

    private void checkServiceDate(LocalDate serviceDate, List<ValidationIssue> issues) {
        if (serviceDate == null) {
            issues.add(ValidationIssue.error("Claim.serviceDate", "service date is required"));
        } else if (serviceDate.isAfter(LocalDate.now(clock))) {
            // Billing for care not yet given is not allowed; the clock's zone (UTC by default) decides "today".
            issues.add(ValidationIssue.error("Claim.serviceDate", "service date " + serviceDate + " is in the future"));
        }
    }
}
