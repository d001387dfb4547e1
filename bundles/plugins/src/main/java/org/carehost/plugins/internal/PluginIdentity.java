package org.carehost.plugins.internal;

import java.nio.file.Path;

import org.osgi.framework.Bundle;

/**
 * What a lifecycle event says about a plugin; kept so that UNINSTALLED can still name it. A deploy file that did not
 * become a plugin is named by its file name (no bundle id: -1, no version: 0.0.0, in the event's properties).
 */
record PluginIdentity(String symbolicName, String version, long id, boolean deployFile) {

    static PluginIdentity of(Bundle bundle) {
        return new PluginIdentity(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                bundle.getBundleId(), false);
    }

    static PluginIdentity ofFile(Path file) {
        return new PluginIdentity(file.getFileName().toString(), "0.0.0", -1L, true);
    }
}
