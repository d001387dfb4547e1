/**
 * Sending resources to systems outside the host through the plugins' adapters
 * ({@link org.carehost.sdk.adapter.AdapterService}).
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.adapter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
