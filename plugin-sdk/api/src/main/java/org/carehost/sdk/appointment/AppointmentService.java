package org.carehost.sdk.appointment;

import java.time.Instant;

import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Appointments, as the host keeps them; each plugin gets its own instance, bound to it.
 * Needs {@code read:appointments} to read and {@code write:appointments} to change.
 */
@ProviderType
public interface AppointmentService {

    /**
     * Books a new appointment for an existing patient; returns it with id and version 1.
     *
     * @throws ValidationException listing every problem (no patient, end before start…); nothing is stored
     */
    Appointment schedule(Appointment appointment);

    /** Cancels it, keeping the reason. @throws ResourceNotFoundException when there is none */
    Appointment cancel(String id, String reason);

    /** Moves it to start at {@code newStart}, keeping its duration. */
    Appointment reschedule(String id, Instant newStart);

    /** @throws ResourceNotFoundException when there is none */
    Appointment get(String id);

    /** Appointments matching the query, ordered by start. */
    Page<Appointment> search(AppointmentQuery query);

    /**
     * {@link #schedule}, returning also the warnings the enabled validators found.
     *
     * @since 1.1
     */
    default org.carehost.sdk.resource.Stored<Appointment> scheduleWithWarnings(Appointment appointment) {
        return new org.carehost.sdk.resource.Stored<>(schedule(appointment), java.util.List.of());
    }

    /**
     * {@link #reschedule}, returning also the warnings the enabled validators found.
     *
     * @since 1.1
     */
    default org.carehost.sdk.resource.Stored<Appointment> rescheduleWithWarnings(String id, Instant newStart) {
        return new org.carehost.sdk.resource.Stored<>(reschedule(id, newStart), java.util.List.of());
    }
}
