package org.carehost.plugins.internal;

import java.io.File;
import java.nio.file.Path;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps the deploy watcher's hands off a jar whose manifest is past {@link JarManifests#MAX_BYTES}: FileInstall's
 * own handling of jars (and the framework, when it installs one) reads the manifest whole, and one such file made the
 * container run out of memory at every start. Claimed here ahead of the deploy folder's other installers (below only
 * {@link ConfigFolderCode}'s, which says why a jar in {@code etc/} is not installed), and left alone; the
 * deploy-folder scan reports it as FAILED with {@link BundleFileCheck}'s reason.
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=1999")
public final class OversizedManifests extends RefusedJars {

    @Override
    public boolean canHandle(File artifact) {
        Path file = artifact.toPath();
        return file.getFileName().toString().endsWith(".jar") && JarManifests.tooLarge(file);
    }
}
