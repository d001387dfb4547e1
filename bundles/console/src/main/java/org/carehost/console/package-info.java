/** Whether the container is ready, for a script's first command and for the HTTP health check. */
@Export
@Version("1.0.0")
package org.carehost.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
