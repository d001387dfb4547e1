/**
 * What a plugin is to the container: the lifecycle events it takes part in, and the kinds of plugin the
 * host knows (validators, transformers, notifiers, workflows, adapters), as services a plugin provides.
 */
@Export
@Version("1.5.0")
package org.carehost.sdk.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
