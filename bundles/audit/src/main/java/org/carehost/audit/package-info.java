/** The audit trail, for the container's own bundles: append (durably, before returning), query, verify. */
@Export
@Version("1.1.0")
package org.carehost.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
