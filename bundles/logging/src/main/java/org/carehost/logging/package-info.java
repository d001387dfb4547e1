/** The container's log, for operators and the shell: tail of the log file, logger levels; failures reported elsewhere. */
@Version("1.2.0")
@Export
package org.carehost.logging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
