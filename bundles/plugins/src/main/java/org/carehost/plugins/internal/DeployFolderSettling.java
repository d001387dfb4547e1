package org.carehost.plugins.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;

/**
 * Whether the deploy folder has settled, decided from state: every jar in it is installed (or cannot be, for a
 * reason {@code plugin:why} gives), and every plugin the deploy watcher installed or updated has reached where it
 * is going — started (its components activated), refused by the security manager, unresolvable, a fragment, waiting
 * for lazy activation, or stopped by someone. A plugin
 * the watcher has installed but not started yet keeps the folder unsettled, however long the watcher takes.
 */
final class DeployFolderSettling implements BundleListener {

    private final BundleContext context;
    private final PluginBundles bundles;
    private final Diagnosis diagnosis;
    private final Requirements requirements;
    /** Plugins from the deploy folder installed or updated and not yet started, stopped or uninstalled. */
    private final Set<Long> moving = ConcurrentHashMap.newKeySet();

    DeployFolderSettling(BundleContext context, PluginBundles bundles, Diagnosis diagnosis) {
        this.context = context;
        this.bundles = bundles;
        this.diagnosis = diagnosis;
        this.requirements = new Requirements(context);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.INSTALLED:
            case BundleEvent.UPDATED:
                if (bundles.origin(bundle) == org.carehost.plugins.PluginOrigin.DEPLOY) {
                    moving.add(bundle.getBundleId());
                }
                break;
            case BundleEvent.STARTED:
            case BundleEvent.STOPPED:
            case BundleEvent.UNINSTALLED:
                moving.remove(bundle.getBundleId());
                break;
            default:
                break;
        }
    }

    boolean settled() {
        // A plugin the framework is starting (at a restart: not installed by the watcher this time) is on its way too.
        for (Bundle plugin : bundles.plugins()) {
            if (plugin.getState() == Bundle.STARTING && !isLazy(plugin)) {
                return false;
            }
        }
        for (Long id : moving) {
            Bundle bundle = context.getBundle(id);
            if (bundle != null && !arrived(bundle)) {
                return false;
            }
        }
        return everyJarInstalled();
    }

    /** Whether a plugin the watcher installed is where it will stay until someone acts. */
    private boolean arrived(Bundle bundle) {
        int state = bundle.getState();
        if (state == Bundle.UNINSTALLED) {
            return true;
        }
        if (state == Bundle.ACTIVE) {
            // Not yet: its STARTED event, which takes it off the list, comes after Service Component Runtime has
            // activated its immediate components (SCR listens synchronously; this listener is asynchronous).
            return false;
        }
        if (state == Bundle.STARTING) {
            // Lazy activation waits for a class to be loaded: that is where it stays.
            return isLazy(bundle);
        }
        if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
            return true;
        }
        if (!diagnosis.securityRefusals(bundle).isEmpty() || !diagnosis.installProblems(bundle).isEmpty()) {
            return true;
        }
        // Installed and missing a requirement: the watcher's start fails, and nothing changes until a bundle comes.
        return state == Bundle.INSTALLED && !requirements.unsatisfied(bundle).isEmpty();
    }

    private boolean everyJarInstalled() {
        Set<Path> installed = bundles.installedFiles();
        Once<java.util.Map<String, java.util.List<Path>>> twins = new Once<>(bundles::notInstalledJarsByName);
        try (Stream<Path> files = Files.list(bundles.deployDir())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .map(file -> file.toAbsolutePath().normalize())
                    .allMatch(file -> installed.contains(file) || diagnosis.fileProblem(file, twins) != null);
        } catch (IOException noFolder) {
            return true;
        }
    }

    private static boolean isLazy(Bundle bundle) {
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }
}
