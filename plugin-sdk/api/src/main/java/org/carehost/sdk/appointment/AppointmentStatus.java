package org.carehost.sdk.appointment;

import java.util.Locale;

/** FHIR {@code appointmentstatus}. */
public enum AppointmentStatus {
    PROPOSED, PENDING, BOOKED, ARRIVED, FULFILLED, CANCELLED, NOSHOW, ENTERED_IN_ERROR, CHECKED_IN, WAITLIST;

    /** The FHIR code, e.g. {@code booked}, {@code entered-in-error}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The status for a FHIR code, or null when the code is not one. */
    public static AppointmentStatus ofCode(String code) {
        for (AppointmentStatus status : values()) {
            if (status.code().equals(code)) {
                return status;
            }
        }
        return null;
    }
}
