package org.carehost.plugins;

/** Where a plugin was installed from. */
public enum PluginOrigin {
    /** Dropped into the watched deploy folder. */
    DEPLOY,
    /** Installed by an operator from the shell (or programmatically). */
    SHELL,
    /** Installed from a plugin catalog (with its dependencies), at a location {@code catalog:<name>@<version>}. */
    CATALOG;

    /** The location prefix of plugins installed from a catalog. */
    public static final String CATALOG_LOCATION_PREFIX = "catalog:";

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
