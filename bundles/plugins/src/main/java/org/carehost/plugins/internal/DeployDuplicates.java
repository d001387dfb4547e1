package org.carehost.plugins.internal;

import java.io.File;
import java.nio.file.Path;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps the deploy watcher's hands off a jar that has the symbolic name of a plugin installed from another file.
 * FileInstall would otherwise <em>update the running plugin</em> with it when the versions match ("Updating this
 * bundle instead"), or install it beside the plugin when they differ. A plugin comes from one file, so such a jar is
 * claimed here — ahead of FileInstall's own handling of jars, by service ranking — and left alone; the plugin
 * manager's deploy-folder scan reports it as FAILED, and {@code plugin:why <file>} says which plugin and file own
 * the name. Claiming is decided each time FileInstall looks at the file: once the owner is gone and the jar changes,
 * FileInstall installs it.
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=1000")
public final class DeployDuplicates implements ArtifactInstaller {

    private final PluginBundles bundles;

    @Activate
    public DeployDuplicates(BundleContext context) {
        this.bundles = new PluginBundles(context);
    }

    @Override
    public boolean canHandle(File artifact) {
        Path file = artifact.toPath().toAbsolutePath().normalize();
        return file.getFileName().toString().endsWith(".jar") && file.startsWith(bundles.deployDir())
                && bundles.installedFrom(file) == null
                && (bundles.ownerOfName(file) != null || bundles.earlierTwin(file) != null);
    }

    @Override
    public void install(File artifact) {
        // Refused: nothing is installed. The deploy-folder scan posts FAILED with the reason.
    }

    @Override
    public void update(File artifact) {
        // Still a duplicate: still refused.
    }

    @Override
    public void uninstall(File artifact) {
        // The jar was removed; it never became a plugin.
    }
}
