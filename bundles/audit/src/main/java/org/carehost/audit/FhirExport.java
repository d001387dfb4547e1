package org.carehost.audit;

import java.util.List;

import org.carehost.sdk.audit.AuditRecord;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Audit records as FHIR R4: a {@code collection} Bundle of {@code AuditEvent} resources in the shapes of IHE Basic
 * Audit Log Patterns (Read, Query, Create, Update), as JSON text.
 */
@ProviderType
public interface FhirExport {

    /** The records, in the given order, as a pretty-printed FHIR Bundle (JSON). */
    String bundle(List<AuditRecord> records);
}
