package org.carehost.sample.claimsvalidator;

/**
 * The NPI check digit. CMS defines it as the Luhn check digit of the 9-digit identifier prefixed with
 * 80840 (the health-industry card issuer prefix), so that an NPI is also valid as a card number.
 */
final class Npi {

    private static final String PREFIX = "80840";

    private Npi() {
    }

    /** Whether the last of 10 digits is the Luhn check digit of "80840" + the first 9. */
    static boolean hasValidCheckDigit(String npi) {
        if (npi == null || npi.length() != 10 || !npi.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return luhnValid(PREFIX + npi);
    }

    /** The Luhn (mod 10) check over all digits, the last being the check digit. */
    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }
}
