package org.carehost.plugins.internal;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Keeps code out of the folders the deploy watcher reads for configuration only. FileInstall watches {@code deploy/}
 * for plugins and {@code etc/} for configuration files with one file filter, so a {@code .jar} or {@code .wasm} put in
 * {@code etc/} would be installed as a plugin: whoever may write a configuration file could install code. Such a file
 * in a configuration folder (every folder of {@code felix.fileinstall.dir} after the first, the deploy folder) is
 * claimed here, ahead of FileInstall's own handling of jars and of the
 * WebAssembly transformer (service ranking above {@link DeployDuplicates}'), and nothing is installed; the reason is
 * logged once, when the watcher first finds it.
 */
@Component(service = ArtifactInstaller.class, property = "service.ranking:Integer=2000")
public final class ConfigFolderCode implements ArtifactInstaller {

    private final Path deployDir;
    private final List<Path> configurationDirs;
    private final Logger log;

    @Activate
    public ConfigFolderCode(BundleContext context, @Reference(service = LoggerFactory.class) Logger log) {
        this.deployDir = real(new PluginBundles(context).deployDir());
        this.configurationDirs = configurationDirs(context.getProperty(PluginBundles.DEPLOY_DIR_PROPERTY));
        this.log = log;
    }

    /**
     * A folder or file as the file system has it, links resolved: the deploy watcher names files by their real path (a
     * linked {@code etc/}, {@code /opt/carehost/etc -> /etc/carehost}, is common); one missing is taken as written.
     */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (java.io.IOException | RuntimeException missing) {
            return absolute;
        }
    }

    /** The watched folders after the first (deploy/): {@code etc/} in carehost.jar. */
    static List<Path> configurationDirs(String watched) {
        List<Path> dirs = new ArrayList<>();
        String[] all = watched == null ? new String[0] : watched.split(",");
        for (int i = 1; i < all.length; i++) {
            String dir = all[i].strip().replace("\"", "");
            if (!dir.isEmpty()) {
                dirs.add(real(Paths.get(dir)));
            }
        }
        return List.copyOf(dirs);
    }

    @Override
    public boolean canHandle(File artifact) {
        String name = artifact.getName().toLowerCase(Locale.ROOT);
        // the folder's real path and the file's own name: a linked etc/ is etc/, and a file in it that is a link is
        // still a file in etc/ (following it would name wherever it points, deploy/ or elsewhere)
        Path absolute = artifact.toPath().toAbsolutePath().normalize();
        Path file = absolute.getParent() == null ? absolute : real(absolute.getParent()).resolve(absolute.getFileName());
        return (name.endsWith(".jar") || name.endsWith(".wasm")) && !file.startsWith(deployDir)
                && configurationDirs.stream().anyMatch(file::startsWith);
    }

    @Override
    public void install(File artifact) {
        log.error("{} is not installed: code is installed from {} only; the other watched folders (etc/) are for "
                + "configuration files (.cfg, .config). Move the file to {} to install it as a plugin, or remove it.",
                artifact.toPath().toAbsolutePath().normalize(), deployDir, deployDir);
    }

    @Override
    public void update(File artifact) {
        // Still in a configuration folder: still not installed (the reason was logged when it was found).
    }

    @Override
    public void uninstall(File artifact) {
        // It was never installed.
    }
}
