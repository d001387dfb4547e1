/**
 * What every host resource shares: pages of results, validation problems, not-found and version conflicts.
 */
@Export
@Version("1.1.0")
package org.carehost.sdk.resource;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
