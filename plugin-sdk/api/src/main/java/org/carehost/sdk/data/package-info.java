/**
 * A plugin's own data: JSON documents the host keeps for it, per tenant ({@link org.carehost.sdk.data.PluginDataService}).
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
