package org.carehost.plugins.internal;

import java.io.File;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
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
 * FAILED with the reason and {@code plugin:why <file>} gives it ({@link Diagnosis#fileProblem},
 * {@link ContainerHostFiles}).
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=1500")
public final class ContainerFragments extends RefusedJars {

    private final BundleContext context;
    private final PluginBundles bundles;

    @Activate
    public ContainerFragments(BundleContext context) {
        this.context = context;
        this.bundles = new PluginBundles(context);
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar")
                && ContainerHostFiles.containerHost(context, bundles, artifact.toPath()) != null;
    }
}
