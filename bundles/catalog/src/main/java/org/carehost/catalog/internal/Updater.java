package org.carehost.catalog.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.carehost.catalog.CatalogException;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.osgi.framework.Version;
import org.osgi.resource.Resource;

/**
 * {@code catalog:update}: moves an installed plugin to another offered version through the plugin manager's update
 * (which refreshes its wiring and reports an activate that throws). New dependencies the version needs are installed
 * first, all or nothing. When the update fails, the previous version is put back from the jar it ran (kept in the
 * artifact folder, or the file a shell install named) and the new dependencies are uninstalled again. A plugin from
 * the deploy folder belongs to its file and is refused; a lower version needs {@code allowDowngrade}. The update is
 * the plugin manager's, the same as {@code plugin:update}'s, so it drains the plugin's calls and holds calls to its
 * services across the switch. The caller holds the artifacts' lock.
 */
final class Updater {

    private final PluginManager plugins;
    private final PlanResolver resolver;
    private final Artifacts artifacts;
    private final Audit audit;

    Updater(PluginManager plugins, PlanResolver resolver, Artifacts artifacts, Audit audit) {
        this.plugins = plugins;
        this.resolver = resolver;
        this.artifacts = artifacts;
        this.audit = audit;
    }

    String update(CatalogView view, Spec spec, boolean allowDowngrade) throws CatalogException {
        PluginInfo current = installed(spec.name());
        if (current.origin() == PluginOrigin.DEPLOY) {
            throw new CatalogException(current.symbolicName() + " comes from the deploy folder (" + current.location()
                    + ") and belongs to that file: replace the file to update it (catalog:update refuses it).");
        }
        CatalogView.Entry target = Offers.choose(view, new Spec(current.symbolicName(), spec.version()));
        Version from = Version.parseVersion(current.version());
        int order = target.version().compareTo(from);
        if (order == 0) {
            return current.symbolicName() + " is already at " + from + ".";
        }
        if (order < 0 && !allowDowngrade) {
            throw new CatalogException(target.id() + " is older than the installed " + from
                    + "; a downgrade needs --allow-downgrade.");
        }
        Path previous = previousArtifact(current);
        List<PluginArtifact> dependencies = new ArrayList<>();
        for (Resource resource : resolver.resolve(target.resource(), view.repository())) {
            CatalogView.Entry entry = view.entry(resource);
            if (entry != null && entry != target && !entry.symbolicName().equals(current.symbolicName())) {
                dependencies.add(new PluginArtifact(Offers.location(entry), artifacts.fetch(entry)));
            }
        }
        Path jar = artifacts.fetch(target);
        List<PluginInfo> added = List.of();
        try {
            if (!dependencies.isEmpty()) {
                added = plugins.installAll(dependencies);
            }
        } catch (PluginException e) {
            throw new CatalogException("Not updated: a new dependency of " + target.id() + " failed. " + e.getMessage(), e);
        }
        try {
            // the plugin manager's update, as plugin:update: its calls in flight drain on the old code, and calls to
            // its services are held until the new version offers them (PluginCalls)
            plugins.update(current.symbolicName(), jar.toString());
        } catch (PluginException failed) {
            String rollback = rollBack(current, previous, added);
            audit.record(AuditAction.UPDATE, "catalog.update", "Plugin", target.id(), AuditOutcome.ERROR,
                    failed.getMessage() + " " + rollback);
            throw new CatalogException("Update of " + current.symbolicName() + " to " + target.version() + " failed: "
                    + failed.getMessage() + " " + rollback, failed);
        }
        artifacts.running(jar);
        for (PluginArtifact dependency : dependencies) {
            artifacts.running(dependency.file());
        }
        audit.record(AuditAction.UPDATE, "catalog.update", "Plugin", target.id(), AuditOutcome.SUCCESS,
                "from " + from);
        return "Updated " + current.symbolicName() + " from " + from + " to " + target.version()
                + (added.isEmpty() ? "" : " (new dependencies: " + added.stream().map(i -> i.symbolicName() + " "
                        + i.version()).reduce((a, b) -> a + ", " + b).orElse("") + ")") + ".";
    }

    private PluginInfo installed(String name) throws CatalogException {
        try {
            return plugins.get(name);
        } catch (PluginException e) {
            throw new CatalogException(e.getMessage() + " catalog:install installs it.", e);
        }
    }

    private String rollBack(PluginInfo current, Path previous, List<PluginInfo> added) {
        StringBuilder text = new StringBuilder();
        try {
            plugins.update(current.symbolicName(), previous.toString());
            text.append("Rolled back: ").append(current.symbolicName()).append(' ').append(current.version())
                    .append(" is running again.");
        } catch (PluginException e) {
            text.append("Rolling back to ").append(current.version()).append(" failed too: ").append(e.getMessage())
                    .append(" (plugin:why ").append(current.symbolicName()).append(").");
        }
        for (PluginInfo dependency : added) {
            try {
                plugins.uninstall(String.valueOf(dependency.id()));
            } catch (PluginException e) {
                text.append(" The new dependency ").append(dependency.symbolicName()).append(" could not be removed: ")
                        .append(e.getMessage());
            }
        }
        return text.toString();
    }

    /** The jar the running version came from: a failed update is rolled back to exactly these bytes. */
    private Path previousArtifact(PluginInfo current) throws CatalogException {
        if (current.origin() == PluginOrigin.CATALOG) {
            Path found = artifacts.runningJar(current.symbolicName(), current.version());
            if (found != null) {
                return found;
            }
        } else if (current.location().startsWith("file:")) {
            try {
                Path file = Path.of(java.net.URI.create(current.location()));
                if (Files.isRegularFile(file)) {
                    return file;
                }
            } catch (IllegalArgumentException notAFileUri) {
                // reported below
            }
        }
        throw new CatalogException("Not updated: the jar " + current.symbolicName() + " " + current.version()
                + " runs from is not kept, so a failed update could not be rolled back. Uninstall it and install it "
                + "from the catalog (catalog:install), which keeps its jar.");
    }
}
