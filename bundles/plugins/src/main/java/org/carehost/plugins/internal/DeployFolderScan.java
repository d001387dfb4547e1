package org.carehost.plugins.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.osgi.service.log.Logger;

/**
 * Deploy-folder files that did not become plugins (not a jar, not a bundle, a duplicate of an installed plugin's
 * name), each handed with its problem to {@link LifecycleEvents}, which posts FAILED once per distinct problem. A file
 * still being written (changed within the last second) is looked at on a later scan.
 */
final class DeployFolderScan {

    private final PluginBundles bundles;
    private final Diagnosis diagnosis;
    private final Logger log;
    private final BiConsumer<Path, String> failed;

    DeployFolderScan(PluginBundles bundles, Diagnosis diagnosis, Logger log, BiConsumer<Path, String> failed) {
        this.bundles = bundles;
        this.diagnosis = diagnosis;
        this.log = log;
        this.failed = failed;
    }

    void scan() {
        Path dir = bundles.deployDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        // The files bundles were installed from, once per pass: asked file by file, each question went through every
        // bundle's location, N files times N bundles every 2 s (a core's worth with 500 plugins).
        java.util.Set<Path> installed = bundles.installedFiles();
        Once<java.util.Map<String, java.util.List<Path>>> twins = new Once<>(bundles::notInstalledJarsByName);
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(file -> !installed.contains(file.toAbsolutePath().normalize()))
                    .forEach(file -> {
                        Path notInstalled = diagnosis.deployFileNamed(file.toString());
                        if (notInstalled == null || isStillChanging(file)) {
                            return;
                        }
                        String problem = diagnosis.fileProblem(file, twins);
                        if (problem != null) {
                            failed.accept(file, problem);
                        }
                    });
        } catch (Exception e) {
            log.debug("Deploy folder scan skipped: {}", e.toString());
        } catch (Error e) {
            // never out of the scheduled task, which would end every later scan (a .wasm too large to read did)
            log.warn("Deploy folder scan stopped early: {}", e.toString());
        }
    }

    private static boolean isStillChanging(Path file) {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < 1000;
        } catch (Exception gone) {
            return true;
        }
    }
}
