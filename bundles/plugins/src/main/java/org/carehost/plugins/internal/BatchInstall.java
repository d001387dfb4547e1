package org.carehost.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.carehost.plugins.Finding;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Installs a set of bundles as plugins all or nothing: a plugin and the library bundles it needs. Each one gets
 * the checks a single install gets (the file is a bundle, the security manager's install problems, its refusal when
 * it resolves, activate failures); when one fails, every bundle this call installed is uninstalled and the wiring
 * refreshed, so nothing is left half installed.
 */
final class BatchInstall {

    private final BundleContext context;
    private final PluginBundles bundles;
    private final Diagnosis diagnosis;
    private final BundleActions actions;

    BatchInstall(BundleContext context, PluginBundles bundles, Diagnosis diagnosis, BundleActions actions) {
        this.context = context;
        this.bundles = bundles;
        this.diagnosis = diagnosis;
        this.actions = actions;
    }

    List<Bundle> install(List<PluginArtifact> artifacts) throws PluginException {
        if (artifacts == null || artifacts.isEmpty()) {
            throw new PluginException("Nothing to install: give at least one bundle jar.");
        }
        List<Bundle> installed = new ArrayList<>();
        try {
            for (PluginArtifact artifact : artifacts) {
                installed.add(installOne(artifact));
            }
            for (Bundle bundle : installed) {
                if (isFragment(bundle)) {
                    continue;
                }
                startOne(bundle);
            }
            return installed;
        } catch (PluginException | RuntimeException e) {
            rollBack(installed);
            String undone = installed.isEmpty() ? "" : " Nothing was left installed (uninstalled again: "
                    + installed.stream().map(b -> b.getSymbolicName() + " " + b.getVersion())
                            .collect(Collectors.joining(", ")) + ").";
            throw new PluginException(e.getMessage() + undone, e);
        }
    }

    private Bundle installOne(PluginArtifact artifact) throws PluginException {
        String problem = BundleFileCheck.problem(artifact.file());
        if (problem == null && context.getBundle(artifact.location()) == null) {
            problem = BundleFileCheck.sameNameInstalled(artifact.file(), bundles.plugins(), bundles.deployDir());
        }
        if (problem != null) {
            throw new PluginException("Not installed: " + artifact.location() + ": " + problem);
        }
        Bundle existing = context.getBundle(artifact.location());
        if (existing != null) {
            throw new PluginException("Not installed: " + artifact.location() + " is already installed as plugin "
                    + existing.getBundleId() + " (" + existing.getSymbolicName() + ").");
        }
        Bundle bundle;
        try (InputStream in = Files.newInputStream(artifact.file())) {
            bundle = context.installBundle(artifact.location(), in);
        } catch (BundleException e) {
            throw new PluginException("Not installed: " + artifact.location() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginException("Not installed: cannot read " + artifact.file() + ": " + e.getMessage(), e);
        }
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        if (level.getStartLevel() < bundles.pluginStartLevel()) {
            level.setStartLevel(bundles.pluginStartLevel());
        }
        List<String> refused = diagnosis.installProblems(bundle);
        if (!refused.isEmpty()) {
            // counted as installed so that the rollback removes it
            uninstallQuietly(bundle);
            throw new PluginException("Not installed: " + PluginManagerImpl.name(bundle) + " is refused: "
                    + String.join("; ", refused) + ".");
        }
        return bundle;
    }

    private void startOne(Bundle bundle) throws PluginException {
        try {
            actions.bounded(bundle, "starting", bundle::start);
        } catch (BundleException | IllegalStateException e) {
            List<Finding> findings = diagnosis.why(bundle);
            throw new PluginException("Not installed: " + PluginManagerImpl.name(bundle) + " did not start. "
                    + Diagnosis.reasons(findings) + " (" + e.getMessage() + ")", e);
        }
        List<String> failures = diagnosis.failures(bundle);
        if (!failures.isEmpty()) {
            throw new PluginException("Not installed: " + PluginManagerImpl.name(bundle) + " started, but "
                    + String.join(" ", failures));
        }
    }

    private void rollBack(List<Bundle> installed) {
        boolean any = false;
        for (int i = installed.size() - 1; i >= 0; i--) {
            Bundle bundle = installed.get(i);
            if (bundle.getState() != Bundle.UNINSTALLED) {
                try { // bounded: a start held by plugin code holds the bundle's lock, which the uninstall waits for
                    actions.bounded(bundle, "uninstalling", bundle::uninstall);
                } catch (BundleException | PluginException | IllegalStateException left) {
                    // left installed, held: plugin:list shows it, and the held-code check reports its holder
                }
                any = true;
            }
        }
        if (any) {
            try {
                actions.refresh(null);
            } catch (PluginException refreshFailed) {
                // the bundles are uninstalled; a slow refresh only delays freeing their class loaders
            }
        }
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException alreadyGone) {
            // nothing installed is left either way
        }
    }
}
