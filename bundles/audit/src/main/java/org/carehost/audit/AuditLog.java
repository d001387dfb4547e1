package org.carehost.audit;

import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.resource.Page;
import org.osgi.annotation.versioning.ProviderType;

/** The audit trail. */
@ProviderType
public interface AuditLog {

    /**
     * Appends a record and returns it once it is durable (committed). Concurrent callers share one commit.
     *
     * @throws AuditUnavailableException when it could not be made durable: the caller must fail its call
     */
    AuditRecord append(AuditEvent event);

    Page<AuditRecord> query(AuditQuery query);

    /** {@link #query(AuditQuery)} limited to one tenant's records and those made outside any tenant. */
    Page<AuditRecord> query(AuditQuery query, String tenant);

    /**
     * {@link #query(AuditQuery)} limited to the records made in one tenant, without those made outside any tenant
     * (container lifecycle, operator logins): a hospital's own trail, as its administrator reads it.
     *
     * @since 2.1
     */
    Page<AuditRecord> queryTenantOnly(AuditQuery query, String tenant);

    /**
     * Checks the whole chain from the first record, and the chain against every signed checkpoint. One check runs at a
     * time: a caller while one runs waits for it and gets its result.
     */
    Verification verify();

    /**
     * Signs the current chain head with the key in {@code etc/security/} and files the checkpoint under
     * {@code data/audit/checkpoints/}; returns it as text (copy it somewhere the database's admins cannot write).
     */
    String checkpoint();

    /**
     * Moves records older than the retention period (default 2190 days, the HIPAA six years) into a
     * compressed, chain-preserving archive file, then removes them from the database; runs daily by itself.
     */
    String archive();

    /**
     * How the trail's writes are doing since the container started: records appended, failures, the journal's lag
     * and the append latency.
     *
     * @since 2.1
     */
    AuditStats stats();
}
