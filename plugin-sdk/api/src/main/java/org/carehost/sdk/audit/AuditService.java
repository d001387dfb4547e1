package org.carehost.sdk.audit;

import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ValidationException;
import org.osgi.annotation.versioning.ProviderType;

/** The audit trail as a plugin sees it; each plugin gets its own instance, bound to it. */
@ProviderType
public interface AuditService {

    /**
     * Adds the plugin's own entry (needs {@code write:audit}); returns it once durable. It is recorded under the
     * plugin's name and in the care context of the call (its tenant, user and purpose), which the plugin cannot
     * choose.
     *
     * @throws ValidationException when a field is too long or holds control characters
     */
    AuditRecord record(AuditEntry entry);

    /**
     * Reads the trail (needs {@code read:audit}), newest first: the records made in the tenant the call acts for,
     * never another tenant's, nor the container's own records made outside any tenant.
     */
    Page<AuditRecord> query(AuditQuery query);

    /** Checks the whole chain and reports the first changed, deleted, inserted or reordered record. */
    Verification verify();
}
