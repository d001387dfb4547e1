package org.carehost.sdk.appointment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An appointment, shaped like FHIR R4 {@code Appointment}. Immutable; build with {@link #builder()}.
 *
 * @param id logical id; null before it is scheduled
 * @param versionId {@code meta.versionId}; 0 before it is scheduled
 * @param lastUpdated {@code meta.lastUpdated}; null before it is scheduled
 * @param status its status
 * @param start when it starts
 * @param end when it ends (after start)
 * @param participants who takes part; exactly one is a patient
 * @param reason why, in words ({@code reasonCode.text}); may be null
 * @param cancelationReason why it was cancelled; null unless cancelled
 */
public record Appointment(String id, long versionId, Instant lastUpdated, AppointmentStatus status, Instant start,
        Instant end, List<Participant> participants, String reason, String cancelationReason) {

    public Appointment {
        participants = participants == null ? List.of() : List.copyOf(participants);
    }

    /** The id of the patient taking part, when there is one. */
    public Optional<String> patientId() {
        return participants.stream().map(Participant::patientId).filter(id -> id != null).findFirst();
    }

    /** end - start, when both are set. */
    public Optional<Duration> duration() {
        return start == null || end == null ? Optional.empty() : Optional.of(Duration.between(start, end));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.id = id;
        builder.versionId = versionId;
        builder.lastUpdated = lastUpdated;
        builder.status = status;
        builder.start = start;
        builder.end = end;
        builder.participants.addAll(participants);
        builder.reason = reason;
        builder.cancelationReason = cancelationReason;
        return builder;
    }

    /** Builds an {@link Appointment}. */
    public static final class Builder {
        private String id;
        private long versionId;
        private Instant lastUpdated;
        private AppointmentStatus status = AppointmentStatus.BOOKED;
        private Instant start;
        private Instant end;
        private final List<Participant> participants = new ArrayList<>();
        private String reason;
        private String cancelationReason;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder versionId(long versionId) {
            this.versionId = versionId;
            return this;
        }

        public Builder lastUpdated(Instant lastUpdated) {
            this.lastUpdated = lastUpdated;
            return this;
        }

        public Builder status(AppointmentStatus status) {
            this.status = status;
            return this;
        }

        public Builder start(Instant start) {
            this.start = start;
            return this;
        }

        public Builder end(Instant end) {
            this.end = end;
            return this;
        }

        public Builder participants(List<Participant> participants) {
            this.participants.clear();
            this.participants.addAll(participants);
            return this;
        }

        public Builder addParticipant(Participant participant) {
            participants.add(participant);
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder cancelationReason(String cancelationReason) {
            this.cancelationReason = cancelationReason;
            return this;
        }

        public Appointment build() {
            return new Appointment(id, versionId, lastUpdated, status, start, end, participants, reason,
                    cancelationReason);
        }
    }
}
