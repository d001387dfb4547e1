/** H2-specific operations of the store, for container bundles that keep H2 files in a good state. */
@Export
@Version("1.0.0")
package org.carehost.store.h2;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
