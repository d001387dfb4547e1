package org.carehost.context.internal;

import org.carehost.settings.PluginNames;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/** Whose a plugin's per-tenant settings are, and whether the plugin reads them at all ({@link PluginSettingsImpl}). */
final class TenantSettingsOwner {

    /** The SDK package whose {@code TenantSettings} gives a plugin its tenant's values. */
    private static final String TENANT_SETTINGS_PACKAGE = "org.carehost.sdk.settings";
    /** That package among an Import-Package header's clauses. */
    private static final java.util.regex.Pattern IMPORTS_IT = java.util.regex.Pattern.compile(
            "(^|,)\\s*org\\.carehost\\.sdk\\.settings\\s*(;|,|$)");

    private TenantSettingsOwner() {
    }

    /**
     * Whether the plugin reads per-tenant settings: it is wired to {@code org.carehost.sdk.settings}, or, not resolved
     * (refused, or not started yet), its manifest imports that package.
     */
    static boolean readsTenantSettings(Bundle plugin) {
        BundleWiring wiring = plugin.adapt(BundleWiring.class);
        if (wiring == null) {
            String imports = plugin.getHeaders("").get(org.osgi.framework.Constants.IMPORT_PACKAGE);
            return imports != null && IMPORTS_IT.matcher(imports).find();
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (TENANT_SETTINGS_PACKAGE.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether tenant settings bound to {@code location} are {@code plugin}'s: bound to its location, or to one no
     * installed bundle has any more (the plugin uninstalled and installed again from another file) under a PID that is
     * the plugin's by its symbolic name ({@link PluginNames}), so no other plugin's.
     */
    static boolean isOwn(BundleContext context, String location, Bundle plugin, String pid) {
        if (plugin.getLocation().equals(location)) {
            return true;
        }
        if (location == null || context.getBundle(location) != null) {
            return false;
        }
        return String.valueOf(plugin.getSymbolicName()).equals(PluginNames.owner(pid, context.getBundles(),
                bundle -> false));
    }
}
