package org.carehost.plugins.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Keeps the deploy watcher's hands off a jar that has the symbolic name of a plugin installed from another file.
 * FileInstall would otherwise <em>update the running plugin</em> with it when the versions match ("Updating this
 * bundle instead"), or install it beside the plugin when they differ. A plugin comes from one file, so such a jar is
 * claimed here — ahead of FileInstall's own handling of jars, by service ranking — and left alone; the plugin
 * manager's deploy-folder scan reports it as FAILED, and {@code plugin:why <file>} says which plugin and file own
 * the name.
 * <p>
 * Claiming is decided each time FileInstall looks at the file, and FileInstall looks at a file only when it changed.
 * Once the name's owner is uninstalled (its file removed), the claimed jar is the folder's only file of that name and
 * should become the plugin; so its modification time is set then (for the claims that no longer hold), which has FileInstall look again, drop the claim
 * ({@link #uninstall}) and forget the file, and set once more then, which has FileInstall find it as a new file and
 * install it. (FileInstall 3.7 drops a claim and installs a file in two passes, the second only on a change.)
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=1000")
public final class DeployDuplicates implements ArtifactInstaller {

    private final PluginBundles bundles;
    private final BundleContext context;
    private final Set<Path> claimed = ConcurrentHashMap.newKeySet();
    private final BundleListener ownerGone = event -> {
        if (event.getType() == BundleEvent.UNINSTALLED) {
            claimed.forEach(this::lookAgainIfFree);
        }
    };

    @Activate
    public DeployDuplicates(BundleContext context) {
        this.bundles = new PluginBundles(context);
        this.context = context;
        context.addBundleListener(ownerGone);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(ownerGone);
    }

    @Override
    public boolean canHandle(File artifact) {
        Path file = artifact.toPath().toAbsolutePath().normalize();
        return file.getFileName().toString().endsWith(".jar") && file.startsWith(bundles.deployDir())
                && bundles.installedFrom(file) == null && isDuplicate(file);
    }

    private boolean isDuplicate(Path file) {
        return bundles.ownerOfName(file) != null || bundles.earlierTwin(file) != null;
    }

    @Override
    public void install(File artifact) {
        // Refused: nothing is installed. The deploy-folder scan posts FAILED with the reason.
        claim(artifact.toPath().toAbsolutePath().normalize());
    }

    @Override
    public void update(File artifact) {
        // Still a duplicate: still refused.
        claim(artifact.toPath().toAbsolutePath().normalize());
    }

    /**
     * FileInstall asks whether it is a duplicate before, in the same pass, it uninstalls the plugins whose files were
     * removed, and the uninstall's event may reach {@link #ownerGone} before this: the owner of the name may be gone
     * already (an operator replacing foo-1.0.jar by foo-1.1.jar), and then it is looked at again now.
     */
    private void claim(Path file) {
        claimed.add(file);
        lookAgainIfFree(file);
    }

    @Override
    public void uninstall(File artifact) {
        // Removed, or no longer a duplicate (its owner is gone): FileInstall forgets it. A file still there is new
        // to FileInstall once it changes again.
        Path file = artifact.toPath().toAbsolutePath().normalize();
        if (claimed.remove(file) && Files.isRegularFile(file)) {
            lookAgain(file);
        }
    }

    private void lookAgainIfFree(Path file) {
        if (!isDuplicate(file)) {
            lookAgain(file);
        }
    }

    /**
     * A modification time a second later: FileInstall's next scan sees the file as changed. Not through a symbolic
     * link: its target may be outside the deploy folder.
     */
    private static void lookAgain(Path file) {
        if (Files.isSymbolicLink(file)) {
            return;
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));
        } catch (IOException gone) {
            // removed meanwhile: FileInstall sees that itself
        }
    }
}
