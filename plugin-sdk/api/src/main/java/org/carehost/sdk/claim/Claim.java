package org.carehost.sdk.claim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A professional claim (the fields a claim validator checks before it goes to a payer), as the host passes it to
 * the {@code Validator<Claim>} services of plugins. Immutable.
 *
 * @param patientId the host's patient id
 * @param providerNpi the billing provider's 10-digit National Provider Identifier
 * @param diagnosisCodes ICD-10-CM codes, primary first
 * @param procedureCodes one CPT or HCPCS Level II code per service line
 * @param lineAmounts the charge of each service line, in the same order as {@code procedureCodes}
 * @param total the claim's total charge; must equal the sum of the lines
 * @param serviceDate when the services were given
 */
public record Claim(String patientId, String providerNpi, List<String> diagnosisCodes, List<String> procedureCodes,
        List<BigDecimal> lineAmounts, BigDecimal total, LocalDate serviceDate) {

    public Claim {
        diagnosisCodes = copy(diagnosisCodes);
        procedureCodes = copy(procedureCodes);
        lineAmounts = copy(lineAmounts);
    }

    // Not List.copyOf: it throws on null elements, and a claim with a blank line is exactly what the
    // validator must be able to receive and report (with the line's index) rather than fail on.
    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
