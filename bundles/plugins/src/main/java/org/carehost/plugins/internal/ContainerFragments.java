package org.carehost.plugins.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps the deploy watcher from installing a jar that is a fragment of a container bundle: its
 * {@code Fragment-Host} names the symbolic name of one of the container's bundles ({@link PluginBundles#isPlugin}'s
 * rule), or the system bundle ({@code system.bundle} or the framework's own name: a framework extension).
 *
 * <p>Why here, before FileInstall: after installing a fragment, FileInstall refreshes its host (its
 * {@code fragmentRefreshScope} default), so a plugin file made the container refresh its own bundles: with Logback as
 * the host the refresh reached Config Admin and FileInstall itself, which held its lock on the start-level thread
 * waiting for the refresh, a deadlock at a first start. A plugin may never attach to the container anyway (the
 * security manager's resolver hook refuses the wire, the launcher's before it), so such a jar is claimed here, ahead
 * of FileInstall's own handling of jars (service ranking above {@link DeployDuplicates}', below
 * {@link ConfigFolderCode}'s), in any folder the watcher offers, and nothing is installed; the deploy-folder scan posts
 * FAILED with the reason and {@code plugin:why <file>} gives it ({@link Diagnosis#fileProblem}).
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=1500")
public final class ContainerFragments implements ArtifactInstaller {

    /** The system bundle's alias in {@code Fragment-Host}. */
    static final String SYSTEM_BUNDLE = Constants.SYSTEM_BUNDLE_SYMBOLICNAME;

    private final BundleContext context;
    private final PluginBundles bundles;

    @Activate
    public ContainerFragments(BundleContext context) {
        this.context = context;
        this.bundles = new PluginBundles(context);
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && containerHost(context, bundles, artifact.toPath()) != null;
    }

    @Override
    public void install(File artifact) {
        // Refused: nothing is installed. The deploy-folder scan posts FAILED with the reason.
    }

    @Override
    public void update(File artifact) {
        // Still a fragment of a container bundle: still refused.
    }

    @Override
    public void uninstall(File artifact) {
        // The jar was removed; it never became a plugin.
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
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            java.util.jar.Manifest manifest = jar.getManifest();
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
