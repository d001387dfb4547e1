package org.carehost.sdk.appointment;

import java.time.Instant;

/**
 * Appointments of a patient and/or in a time window (start in {@code [from, to)}); every criterion given
 * must match.
 */
public record AppointmentQuery(String patientId, Instant from, Instant to, int offset, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public AppointmentQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public static AppointmentQuery forPatient(String patientId) {
        return new AppointmentQuery(patientId, null, null, 0, DEFAULT_LIMIT);
    }

    public static AppointmentQuery between(Instant from, Instant to) {
        return new AppointmentQuery(null, from, to, 0, DEFAULT_LIMIT);
    }

    public AppointmentQuery page(int offset, int limit) {
        return new AppointmentQuery(patientId, from, to, offset, limit);
    }
}
