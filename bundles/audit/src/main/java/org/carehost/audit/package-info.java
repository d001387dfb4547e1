/**
 * The audit trail, for the container's own bundles: append (durably, before returning), query, verify; and its FHIR
 * export. No third-party type appears in this API.
 */
@Export
@Version("2.1.0")
package org.carehost.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
