package org.carehost.sdk.patient;

import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.VersionConflictException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Patients, as the host keeps them. Get it from the service registry (a DS {@code @Reference}); each
 * plugin gets its own instance, bound to it, so that every call can be checked and audited.
 * Needs {@code read:patients} to read and {@code write:patients} to change.
 */
@ProviderType
public interface PatientService {

    /** Patients matching the query, a page at a time, ordered by family name, given name, id. */
    Page<Patient> search(PatientQuery query);

    /** One patient, by id. @throws ResourceNotFoundException when there is none */
    Patient get(String id);

    /**
     * Stores a new patient and returns it with its id, {@code versionId} 1 and {@code lastUpdated}. The host's rules
     * and then every {@link org.carehost.sdk.plugin.Validator} of patients enabled for the call's tenant check it first.
     *
     * @throws ValidationException listing every problem; nothing is stored
     */
    Patient create(Patient patient);

    /**
     * Replaces the patient {@code id} with {@code changed}, which must carry the {@code versionId} it was read
     * at (start from {@code get(id).toBuilder()}); returns the stored result with the next version.
     *
     * @throws VersionConflictException when someone else updated it since; nothing is stored
     * @throws ValidationException listing every problem; nothing is stored
     * @throws ResourceNotFoundException when there is no such patient
     */
    Patient update(String id, Patient changed);

    /**
     * {@link #create}, returning also the warnings the enabled validators found (errors reject the write with a
     * {@link ValidationException} whose issues name the plugin that found each).
     *
     * @since 1.2
     */
    default org.carehost.sdk.resource.Stored<Patient> createWithWarnings(Patient patient) {
        return new org.carehost.sdk.resource.Stored<>(create(patient), java.util.List.of());
    }

    /**
     * {@link #update}, returning also the validators' warnings.
     *
     * @since 1.2
     */
    default org.carehost.sdk.resource.Stored<Patient> updateWithWarnings(String id, Patient changed) {
        return new org.carehost.sdk.resource.Stored<>(update(id, changed), java.util.List.of());
    }

    /**
     * Patients of every hospital (tenant) this host serves with the identifier {@code system|value}, such as a
     * medical record number: for treatment (or emergency) only, with {@code read:patients:cross-tenant}, and
     * audited as a cross-tenant lookup. At most 100.
     *
     * @throws org.carehost.sdk.security.PermissionDeniedException without the permission, or for another purpose
     */
    java.util.List<Patient> lookupAcrossTenants(String system, String value);
}
