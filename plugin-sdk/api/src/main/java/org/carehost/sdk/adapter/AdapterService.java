package org.carehost.sdk.adapter;

import java.util.List;

import org.carehost.sdk.resource.ResourceNotFoundException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends a stored resource to an outside system through the {@link org.carehost.sdk.plugin.Adapter} registered for
 * it, for workflows (and the operators' {@code adapter:send}). A send reads the resource in the call's care context
 * (so it needs {@code read:patients} for a patient, {@code read:appointments} for an appointment, and sees what the
 * purpose of use may see), calls the adapter with its deadline, and audits what was sent, to which system, for which
 * tenant and patient, and the outcome. A send the adapter did not take is kept in the host's outbox and retried (5 s,
 * doubling, up to an hour; a dead letter after 8 attempts, {@code notify:list --failed}): once {@link #send} has
 * returned, the send is not lost.
 */
@ProviderType
public interface AdapterService {

    /** The adapters there are, by system name. */
    List<AdapterInfo> adapters();

    /**
     * Sends a resource.
     *
     * @param system the adapter's {@link org.carehost.sdk.plugin.Adapter#system()}
     * @param resource a patient id, or {@code Patient/<id>} or {@code Appointment/<id>}
     * @return what happened to the first attempt, and the send's id
     * @throws ResourceNotFoundException when there is no such resource in the tenant
     * @throws IllegalArgumentException when no adapter serves {@code system}, or the reference is not one of the forms
     * @throws org.carehost.sdk.security.PermissionDeniedException without the permission to read the resource
     */
    AdapterSend send(String system, String resource);
}
