package org.carehost.plugins.internal;

import static org.carehost.plugins.internal.PluginManagerImpl.name;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginOrigin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * {@code plugin:update}: a plugin updated from a file or URL, or from its own location, on a thread of its own
 * ({@link BundleActions#bounded}), its wiring refreshed, and started again if it was meant to run; an activate that
 * throws after the update is a failed update.
 */
final class PluginUpdate {

    /** Starts a plugin, or says why it did not come up whole, headed by {@code what}. */
    interface Starter {
        void start(Bundle bundle, String what) throws PluginException;
    }

    private final BundleActions actions;
    private final Diagnosis diagnosis;
    private final Starter starter;

    PluginUpdate(BundleActions actions, Diagnosis diagnosis, Starter starter) {
        this.actions = actions;
        this.diagnosis = diagnosis;
        this.starter = starter;
    }

    /**
     * Updates the plugin from {@code pathOrUrl}, or from its own location when that is blank; restarts it if it ran. An
     * update that replaced the plugin's jar but whose new version does not come up (not resolved, refused by the
     * security manager, an activate that throws) puts the previous version back, and says why the new one failed.
     */
    void update(Bundle bundle, String pathOrUrl) throws PluginException {
        BundleRevision before = bundle.adapt(BundleRevision.class);
        String previousVersion = String.valueOf(bundle.getVersion());
        Path previous;
        try {
            previous = RevisionCopy.of(bundle);
        } catch (IOException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: no copy of the running version could be "
                    + "kept to put back should the update fail (" + e.getMessage() + "). Nothing was changed.", e);
        }
        try {
            replace(bundle, pathOrUrl);
        } catch (PluginException failed) {
            if (bundle.getState() == Bundle.UNINSTALLED || bundle.adapt(BundleRevision.class) == before) {
                throw failed; // the running version was never replaced
            }
            throw putBack(bundle, previous, previousVersion, failed);
        } finally {
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
            actions.bounded(bundle, "restoring", () -> {
                try (InputStream in = Files.newInputStream(previous)) {
                    bundle.update(in);
                } catch (IOException e) {
                    throw new BundleException("cannot read the kept copy: " + e.getMessage(), e);
                }
            });
            actions.refresh(bundle);
            if (bundle.adapt(BundleStartLevel.class).isPersistentlyStarted() && bundle.getState() != Bundle.ACTIVE) {
                actions.bounded(bundle, "starting", bundle::start);
            }
            back = "The previous version " + previousVersion + " was put back and is " + org.carehost.plugins.PluginState.of(bundle.getState()) + ".";
        } catch (BundleException | PluginException | RuntimeException e) {
            back = "Putting the previous version " + previousVersion + " back failed too (" + e.getMessage()
                    + "): plugin:why " + bundle.getSymbolicName() + " says what runs now.";
        }
        return new PluginException(why + (why.endsWith(".") ? " " : ". ") + back, failed);
    }

    private void replace(Bundle bundle, String pathOrUrl) throws PluginException {
        try {
            if (pathOrUrl == null || pathOrUrl.isBlank()) {
                String noOwnLocation = noOwnLocation(bundle);
                if (noOwnLocation != null) {
                    throw new PluginException(noOwnLocation);
                }
                Path own = PluginBundles.pathOf(bundle.getLocation());
                if (own != null) {
                    String problem = BundleFileCheck.problem(own);
                    if (problem == null) {
                        problem = BundleFileCheck.otherPlugin(own, bundle.getSymbolicName());
                    }
                    if (problem != null) {
                        throw new PluginException("Not updated: " + problem);
                    }
                }
                actions.bounded(bundle, "updating", bundle::update);
            } else {
                PluginSource source = PluginSource.of(pathOrUrl);
                Path file = source.localCopy();
                try {
                    String problem = BundleFileCheck.problem(file);
                    if (problem == null) {
                        problem = BundleFileCheck.otherPlugin(file, bundle.getSymbolicName());
                    }
                    if (problem != null) {
                        throw new PluginException("Not updated: " + problem);
                    }
                    // the stream is opened and closed on the update's own thread: a call given up on still reads it whole
                    actions.bounded(bundle, "updating", () -> {
                        try (InputStream in = Files.newInputStream(file)) {
                            bundle.update(in);
                        } catch (IOException e) {
                            throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
                        }
                    });
                } finally {
                    source.discard(file);
                }
            }
        } catch (BundleException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + BundleActions.installFailure(e), e);
        } catch (IOException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + e.getMessage(), e);
        }
        actions.refresh(bundle);
        if (bundle.adapt(BundleStartLevel.class).isPersistentlyStarted()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                starter.start(bundle, "Plugin " + name(bundle) + " was updated");
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
