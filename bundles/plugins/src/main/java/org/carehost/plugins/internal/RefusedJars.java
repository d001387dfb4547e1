package org.carehost.plugins.internal;

import java.io.File;

import org.apache.felix.fileinstall.ArtifactInstaller;

/**
 * A deploy-watcher installer that claims the jars it must keep from FileInstall's own handling (its subclass's
 * {@link #canHandle}) and installs nothing: the plugin manager's deploy-folder scan posts FAILED with the reason, and
 * {@code plugin:why <file>} gives it ({@link Diagnosis#fileProblem}). Changed, a claimed jar is asked about again;
 * removed, or no longer claimed, FileInstall forgets it and sees a later change as a new file.
 */
abstract class RefusedJars implements ArtifactInstaller {

    @Override
    public final void install(File artifact) {
        // Refused: nothing is installed.
    }

    @Override
    public final void update(File artifact) {
        // Still claimed: still refused.
    }

    @Override
    public final void uninstall(File artifact) {
        // It never became a plugin.
    }
}
