/**
 * The care context, for the container's own bundles: binding a context to the work the container hands a
 * plugin, tenants and the plugins each has enabled, break-glass grants and consent directives. Plugins see
 * only {@link org.carehost.sdk.context.CareContexts}. A plugin's settings per tenant: {@link PluginSettings} (since 1.1).
 */
@Export
@Version("2.2.0")
package org.carehost.context;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
