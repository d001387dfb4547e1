/**
 * A plugin's settings for one hospital ({@link org.carehost.sdk.settings.TenantSettings}), over the settings its
 * component is configured with for every hospital.
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.settings;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
