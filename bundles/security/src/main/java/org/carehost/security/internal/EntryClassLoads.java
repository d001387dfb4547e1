package org.carehost.security.internal;

import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.BundleNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The run-time side of {@link EntryPoints}: the container's extenders load the classes a plugin's metadata names
 * through the plugin's {@code Bundle.loadClass} (Service Component Runtime a component's implementation, SPI Fly a
 * service provider), then build them and call their methods on the container's threads, with no frame of the plugin on
 * the stack. A JDK class named there ({@code java.io.FileInputStream} with a service as its argument, a
 * {@code PrintWriter} whose bind method writes) would be built and driven by the container for the plugin, a deputy
 * the stack walk cannot see. So such a load gets only a class the plugin defines itself; any other is refused as the
 * plugin's ({@link RuntimeRules#CONTAINER_RULE}), whatever the description looks like to the early check (which reads
 * it with another parser than SCR's) and wherever it came from (a fragment's description, a wildcard in the header).
 *
 * <p>A class is the plugin's own when the framework would define it from the plugin's content: not a JDK class
 * ({@code java.*}, always the parent's), not in a boot-delegated package, not in a package wired to another bundle
 * (an import, or a bundle it requires), and with its class file on the plugin's class path (its jar, embedded jars and
 * fragments).
 */
final class EntryClassLoads {

    /** The container's frames that load a class a plugin's metadata names, to build it: class, method. */
    private static final Map<String, String> EXTENDERS = Map.of(
            "org.apache.felix.scr.impl.manager.AbstractComponentManager", "initDependencyManagers",
            "org.apache.aries.spifly.ProviderBundleTrackerCustomizer", "addingBundle");

    /** The framework's {@code org.osgi.framework.bootdelegation}, read at the first load decided (null until then). */
    private volatile String bootDelegation;

    /** Reads the framework's boot delegation through this bundle's context, at the first load decided. */
    EntryClassLoads() {
    }

    /** @param bootDelegation the framework's {@code org.osgi.framework.bootdelegation}, or null */
    EntryClassLoads(String bootDelegation) {
        this.bootDelegation = bootDelegation == null ? "" : bootDelegation;
    }

    /** Why an extender may not load {@code className} through {@code plugin}, as the refusal says it; null if it may. */
    String refusal(Bundle plugin, String className) {
        String why = foreign(plugin, className);
        return why == null ? null : "have the container build " + className + " for it (named in its component "
                + "description or service provider file), which is not a class of the plugin: " + why;
    }

    private String bootDelegation() {
        String read = bootDelegation;
        if (read == null) {
            Bundle own = org.osgi.framework.FrameworkUtil.getBundle(EntryClassLoads.class);
            org.osgi.framework.BundleContext context = own == null ? null : own.getBundleContext();
            String property = context == null ? null
                    : context.getProperty(org.osgi.framework.Constants.FRAMEWORK_BOOTDELEGATION);
            read = property == null ? "" : property;
            bootDelegation = read;
        }
        return read;
    }

    /**
     * Whether the hooked {@code Bundle.loadClass} was called by an extender loading a class a bundle's metadata names:
     * the first frame below the hooked method that is not the framework's is one of {@link #EXTENDERS}.
     */
    static boolean byAnExtender() {
        return GateFrames.firstCallerOutside("org.apache.felix.framework.", EXTENDERS);
    }

    /** Why {@code className}, loaded through {@code plugin}, is not a class the plugin defines; null when it is. */
    String foreign(Bundle plugin, String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        if (pkg.equals("java") || pkg.startsWith("java.")) {
            return "a class of the JDK";
        }
        if (bootDelegated(pkg)) {
            return "a class of the JDK's (the framework boot-delegates its package)";
        }
        BundleWiring wiring = plugin.adapt(BundleWiring.class);
        if (wiring == null) {
            return "the plugin is not resolved";
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return "a class of " + wire.getProvider().getSymbolicName() + ", whose package the plugin imports";
            }
        }
        for (BundleWire wire : wiring.getRequiredWires(BundleNamespace.BUNDLE_NAMESPACE)) {
            BundleWiring provider = wire.getProviderWiring();
            if (provider == null) {
                continue;
            }
            for (BundleCapability exported : provider.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (pkg.equals(exported.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    return "a class of " + wire.getProvider().getSymbolicName() + ", a bundle the plugin requires";
                }
            }
        }
        String folder = dot < 0 ? "/" : pkg.replace('.', '/');
        if (wiring.listResources(folder, className.substring(dot + 1) + ".class",
                BundleWiring.LISTRESOURCES_LOCAL).isEmpty()) {
            return "no class file of that name in the plugin";
        }
        return null;
    }

    /** Whether a package matches {@code org.osgi.framework.bootdelegation} ("a.b", "a.b.*", "*"). */
    private boolean bootDelegated(String pkg) {
        for (String clause : bootDelegation().split(",")) {
            String pattern = clause.strip();
            if (pattern.equals("*") || pattern.equals(pkg)
                    || pattern.endsWith(".*") && pkg.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
