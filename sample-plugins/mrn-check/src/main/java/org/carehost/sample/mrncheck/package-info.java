/** Medical record number checks, for plugins that import this package (installed with them from a catalog). */
@Export
@Version("1.0.0")
package org.carehost.sample.mrncheck;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
