/**
 * Plugin catalogs: repository indexes (OSGi R5) that offer plugins and the library bundles they need, searched,
 * reviewed per tenant, and installed or updated with their dependencies through the plugin manager's checks.
 * Used by the shell (and the HTTP admin API once it exists); plugins do not see this package.
 */
@Export
@Version("1.1.0")
package org.carehost.catalog;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
