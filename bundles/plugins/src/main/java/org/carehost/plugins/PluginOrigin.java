package org.carehost.plugins;

/** Where a plugin was installed from. */
public enum PluginOrigin {
    /** Dropped into the watched deploy folder. */
    DEPLOY,
    /** Installed by an operator from the shell (or programmatically). */
    SHELL,
    /** Installed from a plugin catalog (with its dependencies), at a location {@code catalog:<name>@<version>}. */
    CATALOG,
    /**
     * Uploaded over the admin API ({@code POST /api/v1/plugins}), at a location {@code upload:<sha-256 of the jar>};
     * the jar is kept in the store so that a restart or another node installs it again.
     *
     * @since 1.3
     */
    UPLOAD;

    /** The location prefix of plugins installed from a catalog. */
    public static final String CATALOG_LOCATION_PREFIX = "catalog:";

    /**
     * The location prefix of uploaded plugins.
     *
     * @since 1.3
     */
    public static final String UPLOAD_LOCATION_PREFIX = "upload:";

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
