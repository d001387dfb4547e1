package org.carehost.sdk.patient;

import java.time.LocalDate;

/**
 * What to search patients by; every criterion given must match. Build with {@link #builder()}.
 *
 * @param name matches the start of any family or given name, ignoring case; may be null
 * @param birthDate exact date of birth; may be null
 * @param identifier an identifier value (the medical record number, say), optionally {@code system|value}; may be null
 * @param offset index of the first result (paging)
 * @param limit page size, 1 to {@value #MAX_LIMIT}
 */
public record PatientQuery(String name, LocalDate birthDate, String identifier, int offset, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public PatientQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PatientQuery}. */
    public static final class Builder {
        private String name;
        private LocalDate birthDate;
        private String identifier;
        private int offset;
        private int limit = DEFAULT_LIMIT;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder birthDate(LocalDate birthDate) {
            this.birthDate = birthDate;
            return this;
        }

        public Builder identifier(String identifier) {
            this.identifier = identifier;
            return this;
        }

        public Builder page(int offset, int limit) {
            this.offset = offset;
            this.limit = limit;
            return this;
        }

        public PatientQuery build() {
            return new PatientQuery(name, birthDate, identifier, offset, limit);
        }
    }
}
