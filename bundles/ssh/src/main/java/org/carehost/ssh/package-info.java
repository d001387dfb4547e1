/** The SSH listener, as a service present while it listens (for the console's banner and for tests). */
@Export
@Version("1.0.0")
package org.carehost.ssh;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
