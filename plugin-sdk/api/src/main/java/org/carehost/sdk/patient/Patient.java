package org.carehost.sdk.patient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A patient, shaped like FHIR R4 {@code Patient}. Immutable; build one with {@link #builder()} and change
 * one with {@link #toBuilder()}.
 *
 * @param id the logical id the host assigned; null before it is created
 * @param versionId {@code meta.versionId}: 1 on create, +1 on every update; 0 before it is created
 * @param lastUpdated {@code meta.lastUpdated}; null before it is created
 * @param identifiers business identifiers, among them the medical record number
 * @param names the patient's names; the first is the main one
 * @param gender administrative gender; may be null
 * @param birthDate date of birth; may be null
 * @param telecom phones and e-mail addresses
 * @param addresses postal addresses
 */
public record Patient(String id, long versionId, Instant lastUpdated, List<Identifier> identifiers,
        List<HumanName> names, Gender gender, LocalDate birthDate, List<ContactPoint> telecom,
        List<Address> addresses) {

    public Patient {
        identifiers = copy(identifiers);
        names = copy(names);
        telecom = copy(telecom);
        addresses = copy(addresses);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** The medical record number, when the patient has one. */
    public Optional<Identifier> medicalRecordNumber() {
        return identifiers.stream().filter(Identifier::isMedicalRecordNumber).findFirst();
    }

    /** The main name, when the patient has one. */
    public Optional<HumanName> name() {
        return names.isEmpty() ? Optional.empty() : Optional.of(names.get(0));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.id = id;
        builder.versionId = versionId;
        builder.lastUpdated = lastUpdated;
        builder.identifiers.addAll(identifiers);
        builder.names.addAll(names);
        builder.gender = gender;
        builder.birthDate = birthDate;
        builder.telecom.addAll(telecom);
        builder.addresses.addAll(addresses);
        return builder;
    }

    /** Builds a {@link Patient}; list setters replace, {@code add…} methods append. */
    public static final class Builder {
        private String id;
        private long versionId;
        private Instant lastUpdated;
        private final List<Identifier> identifiers = new ArrayList<>();
        private final List<HumanName> names = new ArrayList<>();
        private Gender gender;
        private LocalDate birthDate;
        private final List<ContactPoint> telecom = new ArrayList<>();
        private final List<Address> addresses = new ArrayList<>();

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

        public Builder identifiers(List<Identifier> identifiers) {
            this.identifiers.clear();
            this.identifiers.addAll(identifiers);
            return this;
        }

        public Builder addIdentifier(Identifier identifier) {
            identifiers.add(identifier);
            return this;
        }

        public Builder names(List<HumanName> names) {
            this.names.clear();
            this.names.addAll(names);
            return this;
        }

        public Builder addName(HumanName name) {
            names.add(name);
            return this;
        }

        public Builder gender(Gender gender) {
            this.gender = gender;
            return this;
        }

        public Builder birthDate(LocalDate birthDate) {
            this.birthDate = birthDate;
            return this;
        }

        public Builder telecom(List<ContactPoint> telecom) {
            this.telecom.clear();
            this.telecom.addAll(telecom);
            return this;
        }

        public Builder addTelecom(ContactPoint contact) {
            telecom.add(contact);
            return this;
        }

        public Builder addresses(List<Address> addresses) {
            this.addresses.clear();
            this.addresses.addAll(addresses);
            return this;
        }

        public Builder addAddress(Address address) {
            addresses.add(address);
            return this;
        }

        public Patient build() {
            return new Patient(id, versionId, lastUpdated, identifiers, names, gender, birthDate, telecom, addresses);
        }
    }
}
