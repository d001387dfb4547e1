/**
 * What a plugin is to the container: the Event Admin topics and event properties of the plugin
 * lifecycle, so that a plugin (or an operator's tooling) can follow installs, updates and failures.
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
