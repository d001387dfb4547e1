/**
 * The container's view of plugins: the bundles that are not part of the container itself. Used by the
 * shell and by other container bundles; plugins use the SDK, not this package.
 */
@Export
@Version("1.10.0")
package org.carehost.plugins;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
