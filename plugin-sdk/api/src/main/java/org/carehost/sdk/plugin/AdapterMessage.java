package org.carehost.sdk.plugin;

import java.util.Objects;

/**
 * One resource the host sends through an {@link Adapter}.
 *
 * @param sendId the host's id of this send: the same on every retry of it
 * @param resourceType {@code Patient} or {@code Appointment}
 * @param resourceId the host's id of the resource
 * @param fhirJson the resource as FHIR R4 JSON, as the sender's purpose of use may see it
 * @since 1.5
 */
public record AdapterMessage(String sendId, String resourceType, String resourceId, String fhirJson) {

    public AdapterMessage {
        Objects.requireNonNull(sendId, "sendId");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(fhirJson, "fhirJson");
    }
}
