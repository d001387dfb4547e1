package org.carehost.plugins.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Whether a jar file is a fragment of a container bundle, and the reason given for not installing it: for
 * {@link ContainerFragments} (the deploy watcher's claim) and {@link Diagnosis} (plugin:why, the FAILED event). Apart
 * from the installer so that the diagnosis loads no FileInstall type (the plugin test kit's container has none).
 */
final class ContainerHostFiles {

    /** The system bundle's alias in {@code Fragment-Host}. */
    static final String SYSTEM_BUNDLE = Constants.SYSTEM_BUNDLE_SYMBOLICNAME;

    private ContainerHostFiles() {
    }

    /**
     * The symbolic name of the container bundle the jar {@code file} is a fragment of, or null when it is no fragment,
     * its host is no container bundle, or it cannot be read. The system bundle is named as the framework calls it.
     */
    static String containerHost(BundleContext context, PluginBundles bundles, Path file) {
        String host = hostOf(file);
        if (host == null) {
            return null;
        }
        Bundle system = context.getBundle(0);
        if (SYSTEM_BUNDLE.equals(host) || system != null && host.equals(system.getSymbolicName())) {
            return system != null && system.getSymbolicName() != null ? system.getSymbolicName() : SYSTEM_BUNDLE;
        }
        for (Bundle bundle : context.getBundles()) {
            if (host.equals(bundle.getSymbolicName()) && !bundles.isPlugin(bundle)
                    && bundle.getState() != Bundle.UNINSTALLED) {
                return host;
            }
        }
        return null;
    }

    /** The symbolic name in the jar's {@code Fragment-Host} header, or null when there is none or it is unreadable. */
    static String hostOf(Path file) {
        try {
            java.util.jar.Manifest manifest = JarManifests.read(file);
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.FRAGMENT_HOST);
            String host = value == null ? null : value.split(";")[0].trim();
            return host == null || host.isEmpty() ? null : host;
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** The deploy-folder report's reason: why the jar is not installed, and what to do. */
    static String reason(String host) {
        return "It is a fragment of the container bundle " + host + ": plugins may not attach to the container. "
                + "It is not installed; remove it, or rebuild it without Fragment-Host (or with a plugin of yours as "
                + "its host).";
    }
}
