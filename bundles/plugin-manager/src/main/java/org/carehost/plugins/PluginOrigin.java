package org.carehost.plugins;

/** Where a plugin was installed from. */
public enum PluginOrigin {
    /** Dropped into the watched deploy folder. */
    DEPLOY,
    /** Installed by an operator from the shell (or programmatically). */
    SHELL;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
