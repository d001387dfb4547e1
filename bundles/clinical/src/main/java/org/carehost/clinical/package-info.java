/**
 * The clinical bundle's services for the container's own bundles (the shell): the operator's side of plugin data, and the import of FHIR resources.
 * Plugins never see this package.
 */
@Export
@Version("1.4.0")
package org.carehost.clinical;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
