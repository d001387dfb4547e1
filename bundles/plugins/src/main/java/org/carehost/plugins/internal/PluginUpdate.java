package org.carehost.plugins.internal;

import static org.carehost.plugins.internal.PluginManagerImpl.name;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginOrigin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * {@code plugin:update}: a plugin updated from a file or URL, or from its own location, its wiring refreshed, and
 * started again if it was meant to run; an activate that throws after the update is a failed update, and a failed
 * update puts the previous version back.
 *
 * <p>What can be checked without changing anything (the new jar fetched and read, the running version copied) is done
 * on the caller's thread: an interrupt or a refusal there leaves the plugin as it was. From the framework's update on,
 * the update and any put-back run to their end on one thread of their own, {@code carehost-lifecycle-<bsn>}, and only
 * that thread decides whether the new version came up: the caller waits for its outcome, at most the plugin manager's
 * bound for the plugin code run on the way, and when it stops waiting (the bound passed, or the operator's Ctrl-C,
 * or a closed session) the update still ends in the new version or the previous one, and its outcome is logged. Before,
 * the caller's own wait decided: an interrupted or timed-out wait ended the command while the framework's update went
 * on, the copy of the previous version was deleted, and a new version that then failed stayed (red team 14).
 */
final class PluginUpdate {

    /** Starts a plugin, or says why it did not come up whole: headed by {@code notStarted} or {@code startedBut}. */
    interface Starter {
        void start(Bundle bundle, String notStarted, String startedBut) throws PluginException;
    }

    /** Told how an update ended whose caller had stopped waiting for it: {@code failure} null when it succeeded. */
    interface Unattended {
        void ended(Bundle bundle, PluginException failure);
    }

    private final BundleActions actions;
    private final Diagnosis diagnosis;
    private final Starter starter;
    private final Unattended unattended;
    private final Path deployDir;

    /** {@code deployDir}: the deploy folder, whose plugins are updated by replacing their file there. */
    PluginUpdate(BundleActions actions, Diagnosis diagnosis, Starter starter, Unattended unattended, Path deployDir) {
        this.deployDir = deployDir;
        this.actions = actions;
        this.diagnosis = diagnosis;
        this.starter = starter;
        this.unattended = unattended;
    }

    /** The new version's jar, fetched and checked: {@code file} null for the plugin's own location. */
    private record NewJar(PluginSource source, Path file) {
        void discard() {
            if (source != null) {
                try {
                    source.discard(file);
                } catch (IOException e) {
                    // a temporary file: the JVM's folder for them
                }
            }
        }
    }

    /**
     * Updates the plugin from {@code pathOrUrl}, or from its own location when that is blank; restarts it if it ran. An
     * update that replaced the plugin's jar but whose new version does not come up (not resolved, refused by the
     * security manager, an activate that throws) puts the previous version back, and says why the new one failed.
     */
    void update(Bundle bundle, String pathOrUrl) throws PluginException {
        BundleActions.refuseWhileBusy(bundle);
        NewJar jar = newJar(bundle, pathOrUrl);
        Path previous;
        try {
            previous = RevisionCopy.of(bundle);
        } catch (IOException e) {
            jar.discard();
            throw new PluginException("Plugin " + name(bundle) + " not updated: no copy of the running version could be "
                    + "kept to put back should the update fail (" + e.getMessage() + "). Nothing was changed.", e);
        }
        String previousVersion = String.valueOf(bundle.getVersion());
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        AtomicBoolean callerGone = new AtomicBoolean();
        // Not inheriting the caller's inheritable thread locals (the operator's output, care context, identity), as
        // BundleActions.bounded's threads do not: the plugin's code runs on the way.
        Thread thread = new Thread(null, () -> {
            try {
                replaceOrPutBack(bundle, jar, previous, previousVersion);
                outcome.complete(null);
            } catch (PluginException | RuntimeException | Error e) {
                outcome.completeExceptionally(e);
            }
        }, "carehost-lifecycle-" + bundle.getSymbolicName(), 0, false);
        thread.setDaemon(true);
        outcome.whenComplete((done, failure) -> {
            if (callerGone.get()) {
                unattended.ended(bundle, failure == null ? null : failure instanceof PluginException e ? e
                        : new PluginException("Plugin " + name(bundle) + " not updated: " + failure, failure));
            }
        });
        thread.start();
        long seconds = 2 * actions.heldSeconds() + BundleActions.REFRESH_TIMEOUT_SECONDS;
        String goesOn = "The update goes on, and puts version " + previousVersion + " back should the new one fail; its "
                + "outcome is logged (log:tail), and plugin:why " + bundle.getSymbolicName() + " says where it stands.";
        try {
            outcome.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            callerGone.set(true);
            if (!outcome.isDone()) {
                throw new PluginException("Plugin " + name(bundle) + " has not finished updating within " + seconds
                        + " s: plugin code run on the way (the running version's stop, the new version's start) has "
                        + "not returned. " + goesOn);
            }
            outcomeOf(bundle, outcome); // ended in between
        } catch (InterruptedException e) {
            callerGone.set(true);
            Thread.currentThread().interrupt();
            if (!outcome.isDone()) {
                throw new PluginException("Interrupted while waiting for plugin " + name(bundle) + " to update. "
                        + goesOn, e);
            }
            outcomeOf(bundle, outcome);
        } catch (ExecutionException e) {
            throw failure(bundle, e.getCause());
        }
    }

    /** The outcome of an update that has ended. */
    private static void outcomeOf(Bundle bundle, CompletableFuture<Void> ended) throws PluginException {
        try {
            ended.getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            throw failure(bundle, e.getCause());
        }
    }

    private static PluginException failure(Bundle bundle, Throwable cause) {
        if (cause instanceof PluginException pluginException) {
            return pluginException;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new PluginException("Plugin " + name(bundle) + " not updated: " + cause, cause);
    }

    /** The caller's part: the new jar fetched and checked, nothing changed yet. */
    private NewJar newJar(Bundle bundle, String pathOrUrl) throws PluginException {
        if (pathOrUrl == null || pathOrUrl.isBlank()) {
            String noOwnLocation = noOwnLocation(bundle);
            if (noOwnLocation != null) {
                throw new PluginException(noOwnLocation);
            }
            Path own = PluginBundles.pathOf(bundle.getLocation());
            if (own != null) {
                check(own, bundle);
            }
            return new NewJar(null, null);
        }
        Path own = PluginBundles.pathOf(bundle.getLocation());
        if (own != null && deployDir != null && own.toAbsolutePath().normalize()
                .startsWith(deployDir.toAbsolutePath().normalize())) {
            // one plugin, one file: a jar from elsewhere would run while the deploy folder's file says another version,
            // across restarts too (tryout 14 downgraded a plugin so, with no word of it)
            throw new PluginException("Plugin " + name(bundle) + " comes from the deploy folder (" + own + "): "
                    + "replace that file to update it (the watcher updates the plugin, and puts nothing back: "
                    + "plugin:why says why a new version failed). Nothing was changed.");
        }
        PluginSource source = PluginSource.of(pathOrUrl);
        Path file;
        try {
            file = source.localCopy();
        } catch (IOException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + e.getMessage(), e);
        }
        NewJar jar = new NewJar(source, file);
        try {
            check(file, bundle);
        } catch (PluginException | RuntimeException e) {
            jar.discard();
            throw e;
        }
        return jar;
    }

    private static void check(Path file, Bundle bundle) throws PluginException {
        String problem = BundleFileCheck.problem(file);
        if (problem == null) {
            problem = BundleFileCheck.otherPlugin(file, bundle.getSymbolicName());
        }
        if (problem != null) {
            throw new PluginException("Not updated: " + problem);
        }
    }

    /** The update's own thread: the new version, or the previous one put back; the temporary files deleted. */
    private void replaceOrPutBack(Bundle bundle, NewJar jar, Path previous, String previousVersion)
            throws PluginException {
        BundleRevision before = bundle.adapt(BundleRevision.class);
        try {
            replace(bundle, jar);
        } catch (PluginException failed) {
            if (bundle.getState() == Bundle.UNINSTALLED || bundle.adapt(BundleRevision.class) == before) {
                throw failed; // the running version was never replaced
            }
            throw putBack(bundle, previous, previousVersion, failed);
        } finally {
            jar.discard();
            try {
                Files.deleteIfExists(previous);
            } catch (IOException e) {
                // a temporary file: the JVM's folder for them
            }
        }
    }

    /** The new version failed: what it was, then the previous version back, restarted if it was meant to run. */
    private PluginException putBack(Bundle bundle, Path previous, String previousVersion, PluginException failed) {
        String why = failed.getMessage();
        List<org.carehost.plugins.Finding> findings = diagnosis.why(bundle);
        if (findings.size() > 1 && bundle.getState() != Bundle.ACTIVE) {
            // the diagnosis in the operator's words (the security manager's refusal, the package no bundle exports),
            // not the framework's ("missing requirement ... java.lang", which a refusal hid)
            why = "Plugin " + name(bundle) + " not updated: its new version " + bundle.getVersion() + " did not start. "
                    + Diagnosis.reasons(findings);
        }
        String back;
        try {
            BundleActions.refuseWhileBusy(bundle);
            stopForUpdate(bundle);
            try (InputStream in = Files.newInputStream(previous)) {
                bundle.update(in);
            } catch (IOException e) {
                throw new BundleException("cannot read the kept copy: " + e.getMessage(), e);
            }
            actions.refresh(bundle);
            if (bundle.adapt(BundleStartLevel.class).isPersistentlyStarted() && bundle.getState() != Bundle.ACTIVE) {
                actions.bounded(bundle, "starting", bundle::start);
            }
            back = "The previous version " + previousVersion + " was put back and is "
                    + org.carehost.plugins.PluginState.of(bundle.getState()) + ".";
        } catch (BundleException | PluginException | RuntimeException e) {
            back = "Putting the previous version " + previousVersion + " back failed too (" + e.getMessage()
                    + "): plugin:why " + bundle.getSymbolicName() + " says what runs now.";
        }
        return new PluginException(why + (why.endsWith(".") ? " " : ". ") + back, failed);
    }

    /** The framework's update, on the update's own thread; then the refresh, and the start if the plugin ran. */
    private void replace(Bundle bundle, NewJar jar) throws PluginException {
        try {
            BundleActions.refuseWhileBusy(bundle);
            stopForUpdate(bundle);
            if (jar.file() == null) {
                bundle.update();
            } else {
                try (InputStream in = Files.newInputStream(jar.file())) {
                    bundle.update(in);
                }
            }
        } catch (BundleException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + BundleActions.installFailure(e), e);
        } catch (IOException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: cannot read " + jar.file() + ": "
                    + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: it was uninstalled meanwhile.", e);
        }
        actions.refresh(bundle);
        if (bundle.adapt(BundleStartLevel.class).isPersistentlyStarted()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                starter.start(bundle, "Plugin " + name(bundle) + " was updated but not started.",
                        "Plugin " + name(bundle) + " was updated and started, but");
            } else {
                // restarted by the refresh: an activate that threw is a failed update, not a success
                List<String> failures = diagnosis.failures(bundle);
                if (!failures.isEmpty()) {
                    throw new PluginException("Plugin " + name(bundle) + " was updated and started, but "
                            + String.join(" ", failures));
                }
            }
        }
    }

    /**
     * Stops the plugin for its update, transiently (it stays meant to run): the framework's update would otherwise start
     * the new version at once, and the refresh after it stop and start it again, activating its components twice. The
     * deploy watcher does the same. Runs on the update's own thread, as the framework's update would have stopped it.
     */
    private static void stopForUpdate(Bundle bundle) throws BundleException {
        if (bundle.getState() == Bundle.ACTIVE) {
            bundle.stop(Bundle.STOP_TRANSIENT);
        }
    }

    /**
     * Why a plugin cannot be updated from its own location, or null when it can: a catalog's and an upload's
     * locations name where the jar came from, not a URL the framework can read again.
     */
    private String noOwnLocation(Bundle bundle) {
        String location = bundle.getLocation();
        if (location.startsWith(PluginOrigin.CATALOG_LOCATION_PREFIX)) {
            return "Plugin " + name(bundle) + " was installed from a catalog (" + location + "), which is not a file "
                    + "to read again: catalog:update " + bundle.getSymbolicName() + " moves it to the newest version "
                    + "the catalogs offer (catalog:outdated lists them), or plugin:update " + bundle.getSymbolicName()
                    + " <jar> updates it from a file. Nothing was changed.";
        }
        if (location.startsWith(PluginOrigin.UPLOAD_LOCATION_PREFIX)) {
            return "Plugin " + name(bundle) + " was uploaded (" + location + "), which is not a file to read again: "
                    + "upload the new jar (POST /api/v1/plugins), or plugin:update " + bundle.getSymbolicName()
                    + " <jar> updates it from a file. Nothing was changed.";
        }
        return null;
    }

}
