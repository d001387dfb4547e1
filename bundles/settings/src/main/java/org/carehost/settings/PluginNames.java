package org.carehost.settings;

import java.util.function.Predicate;

import org.osgi.framework.Bundle;

/**
 * The one definition of a name that is a plugin's by its symbolic name: a configuration PID (or any dotted name) that
 * is an installed plugin's symbolic name, or starts with it and a dot, is that plugin's (the one with the longest such
 * symbolic name), whatever was installed first. Read by the configuration guard (a plugin's configuration reaches that
 * plugin alone) and by plugin settings (no plugin keeps per-tenant settings under another's PID). Two plugins cannot
 * share a symbolic name (a plugin comes from one file), so no plugin can take another's names by installing first.
 */
public final class PluginNames {

    private PluginNames() {
    }

    /**
     * The symbolic name of the installed plugin whose name {@code name} is, or null when it is no plugin's by this rule.
     *
     * @param installed the bundles installed now
     * @param isContainer the container's bundles ({@code org.carehost.security.ContainerBundles#isContainer}), whose names
     *     are not plugins'
     */
    public static String owner(String name, Bundle[] installed, Predicate<Bundle> isContainer) {
        String owner = null;
        for (Bundle bundle : installed) {
            String candidate = bundle.getSymbolicName();
            if (candidate != null && bundle.getBundleId() != 0 && !isContainer.test(bundle)
                    && (name.equals(candidate) || name.startsWith(candidate + "."))
                    && (owner == null || candidate.length() > owner.length())) {
                owner = candidate;
            }
        }
        return owner;
    }
}
