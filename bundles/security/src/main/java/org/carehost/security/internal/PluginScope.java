package org.carehost.security.internal;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Which bundles the security manager restricts: plugins, as {@link ContainerBundles} defines them (the one
 * definition the plugin manager reads too): every bundle but the system bundle and those the launcher installed.
 */
final class PluginScope {

    private final ContainerBundles rule;

    PluginScope(BundleContext context) {
        this(new ContainerBundles(context));
    }

    PluginScope(ContainerBundles rule) {
        this.rule = rule;
    }

    boolean isPlugin(Bundle bundle) {
        return rule.isPlugin(bundle);
    }

    /** The plugins' start level: the container's bundles run below it. */
    int pluginStartLevel() {
        return rule.pluginStartLevel();
    }

    /** Whether a bundle is the container's: a fact of its location, which does not change while it exists. */
    boolean isContainer(Bundle bundle) {
        return rule.isContainer(bundle);
    }
}
