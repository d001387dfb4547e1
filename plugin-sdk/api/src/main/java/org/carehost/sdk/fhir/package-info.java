/**
 * FHIR R4 JSON for the SDK's resources, so a plugin can hand a resource to a FHIR server unchanged.
 */
@Export
@Version("1.2.0")
package org.carehost.sdk.fhir;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
