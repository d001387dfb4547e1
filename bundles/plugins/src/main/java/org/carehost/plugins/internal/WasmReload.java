package org.carehost.plugins.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.carehost.plugins.PluginException;
import org.osgi.framework.Bundle;

/**
 * {@code plugin:update <plugin>} for a bare WebAssembly module in the deploy folder: the framework cannot read a
 * {@code .wasm} file as a bundle (the deploy watcher wraps it in one), so the file is marked changed and the watcher
 * reads and wraps it again, as when it is replaced; the command waits for that update (the bundle's last-modified
 * time moves), up to the plugin manager's bound. Before, the command answered "pv.wasm is not a valid jar"
 * (tryout 15), although the README says {@code plugin:update <plugin>} reads the plugin's file again.
 */
final class WasmReload {

    private WasmReload() {
    }

    static void again(Bundle bundle, Path file, long waitSeconds) throws PluginException {
        if (!Files.isRegularFile(file)) {
            throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + " comes from " + file
                    + ", which is not there any more: put the .wasm file back, or plugin:uninstall it.");
        }
        long before = bundle.getLastModified();
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + " not updated: " + file
                    + " could not be marked changed (" + e.getMessage() + "); replace the file to update it.", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (bundle.getLastModified() == before && bundle.getState() != Bundle.UNINSTALLED) {
            if (System.nanoTime() > deadline) {
                throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + ": the deploy watcher has not "
                        + "read " + file.getFileName() + " again within " + waitSeconds + " s; plugin:why "
                        + bundle.getSymbolicName() + " says where it stands.");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("Interrupted while waiting for the deploy watcher to read " + file.getFileName()
                        + " again; it goes on (plugin:list shows the outcome).", e);
            }
        }
    }
}
