package org.carehost.launcher;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * A working directory copied or moved to another path (a backup restored elsewhere, a new disk): the framework's cache
 * came with it, and names each plugin of the deploy folder by the absolute path of its file in the old folder (the
 * deploy watcher installs a file by its {@code file:} URI). The watcher here then took each file in {@code deploy/}
 * for a second copy of an installed plugin and refused it ("installed from file /old/deploy/x.jar"), and no longer
 * managed the plugin: removing or replacing its file did nothing. Before any bundle starts, a plugin installed from a
 * file of another folder's {@code deploy/} whose file name is in this folder's {@code deploy/} is uninstalled, so
 * that the watcher installs it again from this folder's file at its first scan. What the plugin's identity carries
 * stays: its grants and settings (by symbolic name, in {@code etc/}), its data ({@code data/plugins/<bsn>}), its
 * audit records; what goes is what the framework kept of the old install (a stop the operator made: it starts).
 */
final class MovedHome {

    private MovedHome() {
    }

    /** Uninstalls the plugins of another folder's deploy folder whose files are in {@code deploy}; returns their names. */
    static List<String> reinstallFrom(BundleContext system, Path deploy) {
        List<String> moved = new ArrayList<>();
        ContainerBundles container = new ContainerBundles(system);
        Path here = deploy.toAbsolutePath().normalize();
        for (Bundle bundle : system.getBundles()) {
            if (container.isContainer(bundle)) {
                continue;
            }
            Path file = deployFile(bundle.getLocation());
            if (file == null || file.getParent().equals(here) || !Files.isRegularFile(here.resolve(file.getFileName()))) {
                continue;
            }
            try {
                bundle.uninstall();
                moved.add(bundle.getSymbolicName() + " (was " + file + ")");
            } catch (BundleException | IllegalStateException e) {
                System.err.println("carehost: the plugin " + bundle.getSymbolicName() + " was installed from " + file
                        + ", a deploy folder not this one, and could not be uninstalled to install it from "
                        + here.resolve(file.getFileName()) + ": " + e.getMessage());
            }
        }
        return moved;
    }

    /** The file of a {@code file:} location in a folder named {@code deploy}, or null. */
    static Path deployFile(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        try {
            Path file = Paths.get(new URI(location)).toAbsolutePath().normalize();
            Path parent = file.getParent();
            return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("deploy")
                    ? file : null;
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }
}
