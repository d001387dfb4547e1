package org.carehost.sample.mrncheck;

/**
 * Medical record numbers of 6 to 12 digits whose last digit is a Luhn check digit (the scheme many hospital
 * systems use to catch a mistyped digit or two swapped ones).
 */
public final class MrnCheck {

    private MrnCheck() {
    }

    /** Why {@code mrn} is not a valid medical record number, or null when it is. */
    public static String problem(String mrn) {
        if (mrn == null || mrn.isBlank()) {
            return "the MRN is empty";
        }
        String digits = mrn.strip();
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "the MRN has characters other than digits";
        }
        if (digits.length() < 6 || digits.length() > 12) {
            return "the MRN has " + digits.length() + " digits, not 6 to 12";
        }
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0 ? null : "the MRN's check digit is wrong (a digit mistyped or two swapped)";
    }
}
