/**
 * The security manager as the container's own services use it: {@link org.carehost.security.PermissionGuard}
 * for the per-call check of the host services, {@link org.carehost.security.SecurityAdmin} for the shell and
 * the plugin manager, {@link org.carehost.security.PluginLimits} for the limits of the host's calls into plugins,
 * {@link org.carehost.security.PluginDeputy} for a container bundle that runs a plugin's code (the WebAssembly
 * runtime), so that the run-time checks decide its calls by the plugin's grants;
 * {@link org.carehost.security.PluginEventCalls} for handing events to plugins' handlers as bounded calls (1.7);
 * {@link org.carehost.security.ContainerActors}, the names the container audits its own records under, which no plugin
 * may take (1.8).
 * {@link org.carehost.security.ContainerBundles} is the one definition of which bundles are the container's and which
 * are plugins. Plugins never see this package.
 */
@Export
@Version("1.10.0")
package org.carehost.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
