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
            if (bundle.getBundleId() != 0 && !isContainer.test(bundle) && namedAfter(name, candidate)
                    && (owner == null || candidate.length() > owner.length())) {
                owner = candidate;
            }
        }
        return owner;
    }

    /**
     * Whether {@code name} goes by {@code symbolicName}: it is that name, or a name under it (a dot follows), never a
     * mere prefix ({@code org.postgres} does not name {@code org.postgresql}). The security manager's rules for what
     * goes by a plugin's name (loggers, settings) read it too.
     */
    public static boolean namedAfter(String name, String symbolicName) {
        return name != null && symbolicName != null && !symbolicName.isEmpty()
                && (name.equals(symbolicName) || name.startsWith(symbolicName.concat(".")));
    }
}
