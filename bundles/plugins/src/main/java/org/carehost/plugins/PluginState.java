package org.carehost.plugins;

import org.osgi.framework.Bundle;

/** A plugin's bundle state. */
public enum PluginState {
    INSTALLED, RESOLVED, STARTING, ACTIVE, STOPPING, UNINSTALLED;

    public static PluginState of(int bundleState) {
        switch (bundleState) {
            case Bundle.INSTALLED: return INSTALLED;
            case Bundle.RESOLVED: return RESOLVED;
            case Bundle.STARTING: return STARTING;
            case Bundle.ACTIVE: return ACTIVE;
            case Bundle.STOPPING: return STOPPING;
            default: return UNINSTALLED;
        }
    }
}
