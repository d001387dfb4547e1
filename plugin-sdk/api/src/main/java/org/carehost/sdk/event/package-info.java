/**
 * Event Admin topics the host services post, and the properties each event carries.
 */
@Export
@Version("1.4.0")
package org.carehost.sdk.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
