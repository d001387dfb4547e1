package org.carehost.shell.internal;

import java.time.LocalDate;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;

/**
 * How protected health information shows in the shell: masked unless the operator asks otherwise, so that
 * a screen share or a pasted transcript does not leak names. "Avery Testpatient" reads "A**** T**********".
 */
final class Phi {

    private Phi() {
    }

    static String name(Patient patient, boolean unmask) {
        HumanName name = patient.name().orElse(null);
        if (name == null) {
            return "-";
        }
        return unmask ? name.text() : mask(name.text());
    }

    static String birthDate(Patient patient, boolean unmask) {
        LocalDate date = patient.birthDate();
        if (date == null) {
            return "-";
        }
        return unmask ? date.toString() : date.getYear() + "-**-**";
    }

    /** First letter of every word, the rest as stars. */
    static String mask(String text) {
        StringBuilder masked = new StringBuilder(text.length());
        boolean wordStart = true;
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c)) {
                masked.append(c);
                wordStart = true;
            } else {
                masked.append(wordStart ? c : '*');
                wordStart = false;
            }
        }
        return masked.toString();
    }
}
