/**
 * The audit trail: every access to protected health information, recorded durably and tamper-evidently.
 * Plugins may add their own entries ({@code write:audit}) and read the trail ({@code read:audit}).
 */
@Export
@Version("1.1.0")
package org.carehost.sdk.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
