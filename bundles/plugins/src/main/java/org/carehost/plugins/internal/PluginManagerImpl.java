package org.carehost.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.time.Duration;

import org.carehost.plugins.Finding;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.plugins.PluginState;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/** The plugin lifecycle over the framework's bundle API, speaking in plugins and plain words. */
@Component(service = PluginManager.class, configurationPid = PluginsConfiguration.PID)
public final class PluginManagerImpl implements PluginManager {

    private static final long DEPLOY_UNINSTALL_WAIT_MILLIS = 10_000;

    private final BundleContext context;
    private final PluginBundles bundles;
    private final ComponentStates components;
    private final Diagnosis diagnosis;
    private final DeployFolderSettling settling;
    private final BatchInstall batch;
    private final BundleActions actions;
    private final PluginUpdate updates;

    /**
     * Dynamic: while the security manager restarts, install and why work without its checks (its hooks, which
     * enforce everything, are gone with it then too). The bundle still needs its API package to resolve.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SecurityAdmin security;

    /** Optional: where the container has no Event Admin (the test kit's), nothing reports held plugins. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LifecycleEvents lifecycle;

    /** Optional, as Event Admin: where an update ends whose command stopped waiting for it, the log says how. */
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    /** {@link PluginsConfiguration#heldSeconds}: how long an operator's start or stop waits for the plugin's code. */
    private volatile long heldSeconds;

    @Activate
    public PluginManagerImpl(PluginsConfiguration configuration, BundleContext context,
            @Reference ServiceComponentRuntime scr, @Reference ActivationFailures failures) {
        this.heldSeconds = configuration.heldSeconds();
        this.context = context;
        this.bundles = new PluginBundles(context);
        this.actions = new BundleActions(context, () -> heldSeconds);
        this.components = new ComponentStates(scr, failures, () -> security);
        this.diagnosis = new Diagnosis(context, bundles, components, () -> security);
        this.settling = new DeployFolderSettling(context, bundles, diagnosis);
        this.batch = new BatchInstall(context, bundles, diagnosis, actions);
        this.updates = new PluginUpdate(actions, diagnosis, this::startOrExplain, this::updateEnded,
                bundles.deployDir());
        context.addBundleListener(settling);
    }

    @org.osgi.service.component.annotations.Modified
    void modified(PluginsConfiguration configuration) {
        this.heldSeconds = configuration.heldSeconds();
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(settling);
    }

    @Override
    public boolean awaitDeployFolder(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (deployFolderSettled()) {
                return true;
            }
            if (!held().isEmpty()) {
                return false; // a plugin holds a thread the deploy folder needs (perhaps the watcher's): not by waiting
            }
            Thread.sleep(25);
        }
        return false;
    }

    @Override
    public List<String> held() {
        LifecycleEvents events = lifecycle;
        return events == null ? List.of() : events.held();
    }

    @Override
    public boolean deployFolderSettled() {
        return settling.settled();
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> plugins = new ArrayList<>();
        List<Bundle> installed = bundles.plugins();
        Set<Long> ids = new java.util.HashSet<>();
        installed.forEach(bundle -> ids.add(bundle.getBundleId()));
        java.util.Map<Long, List<org.carehost.plugins.ComponentInfo>> all = components.ofAll(ids);
        for (Bundle bundle : installed) {
            plugins.add(info(bundle, all.getOrDefault(bundle.getBundleId(), List.of())));
        }
        return plugins;
    }

    @Override
    public PluginInfo get(String plugin) throws PluginException {
        return info(bundles.find(plugin));
    }

    @Override
    public List<String> names() {
        Set<String> names = new TreeSet<>();
        for (Bundle bundle : bundles.plugins()) {
            if (bundle.getSymbolicName() != null) {
                names.add(bundle.getSymbolicName());
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public PluginInfo install(String pathOrUrl) throws PluginException {
        PluginSource source = PluginSource.of(pathOrUrl);
        try {
            Path file = source.localCopy();
            try {
                String problem = BundleFileCheck.problem(file, source.shownAs(file));
                if (problem == null && context.getBundle(source.location) == null) {
                    problem = BundleFileCheck.sameNameInstalled(file, bundles.plugins(), bundles.deployDir());
                }
                if (problem != null) {
                    throw new PluginException("Not installed: " + problem);
                }
                Bundle existing = context.getBundle(source.location);
                if (existing != null) {
                    throw new PluginException("Already installed from " + source.location + " as plugin "
                            + existing.getBundleId() + " (" + existing.getSymbolicName() + "); " + (bundles.origin(existing)
                                    == PluginOrigin.DEPLOY ? "replace its file in the deploy folder to update it (or "
                                            + "plugin:update " + existing.getSymbolicName() + " to load that file again)."
                                            : "plugin:update " + existing.getSymbolicName() + " updates it."));
                }
                Bundle bundle;
                try (InputStream in = Files.newInputStream(file)) {
                    bundle = context.installBundle(source.location, in);
                } catch (BundleException e) {
                    throw new PluginException("Not installed: " + BundleActions.installFailure(e), e);
                }
                BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
                if (level.getStartLevel() < bundles.pluginStartLevel()) {
                    level.setStartLevel(bundles.pluginStartLevel());
                }
                List<String> refused = diagnosis.installProblems(bundle);
                if (!refused.isEmpty()) {
                    BundleActions.uninstallQuietly(bundle);
                    throw new PluginException("Not installed: " + String.join("; ", refused) + ".");
                }
                startOrExplain(bundle, "Installed as plugin " + bundle.getBundleId() + " but not started.",
                        "Installed as plugin " + bundle.getBundleId() + " and started, but");
                return info(bundle);
            } finally {
                source.discard(file);
            }
        } catch (IOException e) {
            throw new PluginException("Not installed: cannot read " + pathOrUrl + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<PluginInfo> installAll(List<PluginArtifact> artifacts) throws PluginException {
        List<PluginInfo> infos = new ArrayList<>();
        for (Bundle bundle : batch.install(artifacts)) {
            infos.add(info(bundle));
        }
        return infos;
    }

    @Override
    public PluginInfo start(String plugin) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        startOrExplain(bundle, "Plugin " + name(bundle) + " not started.", "Plugin " + name(bundle) + " started, but");
        return info(bundle);
    }

    @Override
    public PluginInfo stop(String plugin) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        try {
            actions.bounded(bundle, "stopping", bundle::stop);
        } catch (BundleException | IllegalStateException e) {
            throw new PluginException("Plugin " + name(bundle) + " did not stop cleanly: " + e.getMessage(), e);
        }
        return info(bundle);
    }

    @Override
    public PluginInfo update(String plugin, String pathOrUrl) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        Path own = PluginBundles.pathOf(bundle.getLocation());
        if ((pathOrUrl == null || pathOrUrl.isBlank()) && own != null
                && own.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".wasm")) {
            WasmReload.again(bundle, own, heldSeconds);
        } else {
            updates.update(bundle, pathOrUrl);
        }
        return info(bundle);
    }

    @Override
    public PluginInfo uninstall(String plugin) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        PluginInfo before = info(bundle);
        Path file = PluginBundles.pathOf(bundle.getLocation());
        if (before.origin() == PluginOrigin.DEPLOY && file != null) {
            // The deploy folder is the truth for its plugins: removing the file is what uninstalls them,
            // otherwise the watcher would install the file again on its next scan.
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new PluginException("Plugin " + name(bundle) + " comes from " + file
                        + ", which could not be deleted: " + e.getMessage(), e);
            }
            BundleActions.waitUntilGone(bundle, DEPLOY_UNINSTALL_WAIT_MILLIS);
        }
        if (bundle.getState() != Bundle.UNINSTALLED) {
            try {
                actions.bounded(bundle, "uninstalling", bundle::uninstall);
            } catch (BundleException | IllegalStateException e) {
                if (bundle.getState() != Bundle.UNINSTALLED) {
                    throw new PluginException("Plugin " + name(bundle) + " not uninstalled: " + e.getMessage(), e);
                }
            }
            actions.refresh(null);
        }
        return new PluginInfo(before.id(), before.symbolicName(), before.version(), PluginState.UNINSTALLED,
                before.origin(), before.location(), List.of(), before.kind());
    }

    @Override
    public List<Finding> diagnose(String plugin) throws PluginException {
        Path deployFile = diagnosis.deployFile(plugin);
        if (deployFile != null) {
            Bundle installed = bundles.installedFrom(deployFile);
            return installed == null ? diagnosis.whyFile(deployFile) : diagnosis.why(installed);
        }
        return diagnosis.why(bundles.find(plugin));
    }

    private PluginInfo info(Bundle bundle) {
        return info(bundle, components.of(bundle));
    }

    private PluginInfo info(Bundle bundle, List<org.carehost.plugins.ComponentInfo> of) {
        return new PluginInfo(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), PluginState.of(bundle.getState()), bundles.origin(bundle),
                bundle.getLocation(), of, kind(bundle));
    }

    /** "java", or "wasm" and the kinds its Carehost-Wasm header names ("wasm validator"). */
    static String kind(Bundle bundle) {
        String header = bundle.getHeaders("").get("Carehost-Wasm");
        if (header == null) {
            return "java";
        }
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        java.util.regex.Matcher kind = java.util.regex.Pattern.compile("kind\\s*:?=\\s*\"?([a-z]+)").matcher(header);
        while (kind.find()) {
            kinds.add(kind.group(1));
        }
        return kinds.isEmpty() ? "wasm" : "wasm " + String.join(",", kinds);
    }

    /** Starts the bundle; when it does not come up whole, says why, headed by {@code what}. */
    /** An update whose command stopped waiting (its bound passed, Ctrl-C, a closed session) has ended. */
    private void updateEnded(Bundle bundle, PluginException failure) {
        Logger logger = log;
        if (logger == null) {
            return;
        }
        if (failure == null) {
            logger.info("Plugin {} was updated (its plugin:update had stopped waiting): {}.", name(bundle),
                    org.carehost.plugins.PluginState.of(bundle.getState()));
        } else {
            logger.warn("{} (its plugin:update had stopped waiting)", failure.getMessage());
        }
    }

    /**
     * Starts the plugin, or says why not: {@code notStarted} heads the diagnosis when the start failed,
     * {@code startedBut} the failures of a plugin that started (a refusal, a component whose activate threw).
     */
    private void startOrExplain(Bundle bundle, String notStarted, String startedBut) throws PluginException {
        try {
            actions.bounded(bundle, "starting", bundle::start);
        } catch (BundleException | IllegalStateException e) {
            List<Finding> findings = diagnosis.why(bundle);
            throw new PluginException(notStarted + " " + Diagnosis.reasons(findings)
                    + (Diagnosis.refused(findings) ? "" : " (" + e.getMessage() + ")"), e);
        }
        List<String> failures = diagnosis.failures(bundle);
        if (!failures.isEmpty()) {
            throw new PluginException(startedBut + " " + String.join(" ", failures));
        }
    }

    static String name(Bundle bundle) {
        return bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ")";
    }
}
