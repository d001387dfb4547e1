package org.carehost.clinical.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Who is calling a host service: the plugin's bundle. Each plugin gets its own service instance bound to
 * its bundle, so the caller cannot be forged; the security manager and the audit trail build on this.
 */
record Caller(long bundleId, String symbolicName, String version, boolean container) {

    /**
     * {@code container}: one of the container's own bundles (the shell, say), below the plugin start level
     * ({@code carehost.plugin.startlevel}, 50): it acts for whichever tenant its context names, without being
     * enabled there, as an operator does.
     */
    static Caller of(Bundle bundle) {
        String property = bundle.getBundleContext() == null ? null
                : bundle.getBundleContext().getProperty("carehost.plugin.startlevel");
        int pluginLevel = property == null ? 50 : Integer.parseInt(property.trim());
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        boolean container = bundle.getBundleId() == 0 || (level != null && level.getStartLevel() < pluginLevel);
        return new Caller(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                container);
    }

    @Override
    public String toString() {
        return symbolicName + " " + version;
    }
}
