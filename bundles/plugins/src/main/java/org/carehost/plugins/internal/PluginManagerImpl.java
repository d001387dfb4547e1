package org.carehost.plugins.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** The plugin lifecycle over the framework's bundle API, speaking in plugins and plain words. */
@Component(service = PluginManager.class)
public final class PluginManagerImpl implements PluginManager {

    private static final long REFRESH_TIMEOUT_SECONDS = 60;
    private static final long DEPLOY_UNINSTALL_WAIT_MILLIS = 10_000;

    private final BundleContext context;
    private final PluginBundles bundles;
    private final ComponentStates components;
    private final Diagnosis diagnosis;
    private final DeployFolderSettling settling;
    private final BatchInstall batch;

    /**
     * Dynamic: while the security manager restarts, install and why work without its checks (its hooks, which
     * enforce everything, are gone with it then too). The bundle still needs its API package to resolve.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SecurityAdmin security;

    @Activate
    public PluginManagerImpl(BundleContext context, @Reference ServiceComponentRuntime scr,
            @Reference ActivationFailures failures) {
        this.context = context;
        this.bundles = new PluginBundles(context);
        this.components = new ComponentStates(scr, failures, () -> security);
        this.diagnosis = new Diagnosis(context, bundles, components, () -> security);
        this.settling = new DeployFolderSettling(context, bundles, diagnosis);
        this.batch = new BatchInstall(context, bundles, diagnosis, this::refresh);
        context.addBundleListener(settling);
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
            Thread.sleep(25);
        }
        return false;
    }

    @Override
    public boolean deployFolderSettled() {
        return settling.settled();
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> plugins = new ArrayList<>();
        for (Bundle bundle : bundles.plugins()) {
            plugins.add(info(bundle));
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
        Source source = Source.of(pathOrUrl);
        try {
            Path file = source.localCopy();
            try {
                String problem = BundleFileCheck.problem(file);
                if (problem != null) {
                    throw new PluginException("Not installed: " + problem);
                }
                Bundle existing = context.getBundle(source.location);
                if (existing != null) {
                    throw new PluginException("Already installed from " + source.location + " as plugin "
                            + existing.getBundleId() + " (" + existing.getSymbolicName() + "); use plugin:update.");
                }
                Bundle bundle;
                try (InputStream in = Files.newInputStream(file)) {
                    bundle = context.installBundle(source.location, in);
                } catch (BundleException e) {
                    throw new PluginException("Not installed: " + installFailure(e), e);
                }
                BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
                if (level.getStartLevel() < bundles.pluginStartLevel()) {
                    level.setStartLevel(bundles.pluginStartLevel());
                }
                List<String> refused = diagnosis.installProblems(bundle);
                if (!refused.isEmpty()) {
                    uninstallQuietly(bundle);
                    throw new PluginException("Not installed: " + String.join("; ", refused) + ".");
                }
                startOrExplain(bundle, "Installed as plugin " + bundle.getBundleId());
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
        startOrExplain(bundle, "Plugin " + name(bundle));
        return info(bundle);
    }

    @Override
    public PluginInfo stop(String plugin) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            throw new PluginException("Plugin " + name(bundle) + " did not stop cleanly: " + e.getMessage(), e);
        }
        return info(bundle);
    }

    @Override
    public PluginInfo update(String plugin, String pathOrUrl) throws PluginException {
        Bundle bundle = bundles.find(plugin);
        try {
            if (pathOrUrl == null || pathOrUrl.isBlank()) {
                Path own = PluginBundles.pathOf(bundle.getLocation());
                if (own != null) {
                    String problem = BundleFileCheck.problem(own);
                    if (problem != null) {
                        throw new PluginException("Not updated: " + problem);
                    }
                }
                bundle.update();
            } else {
                Source source = Source.of(pathOrUrl);
                Path file = source.localCopy();
                try {
                    String problem = BundleFileCheck.problem(file);
                    if (problem != null) {
                        throw new PluginException("Not updated: " + problem);
                    }
                    try (InputStream in = Files.newInputStream(file)) {
                        bundle.update(in);
                    }
                } finally {
                    source.discard(file);
                }
            }
        } catch (BundleException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + installFailure(e), e);
        } catch (IOException e) {
            throw new PluginException("Plugin " + name(bundle) + " not updated: " + e.getMessage(), e);
        }
        refresh(bundle);
        if (bundle.adapt(BundleStartLevel.class).isPersistentlyStarted()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                startOrExplain(bundle, "Plugin " + name(bundle) + " was updated");
            } else {
                // restarted by the refresh: an activate that threw is a failed update, not a success
                List<String> failures = diagnosis.failures(bundle);
                if (!failures.isEmpty()) {
                    throw new PluginException("Plugin " + name(bundle) + " was updated and started, but "
                            + String.join(" ", failures));
                }
            }
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
            waitUntilGone(bundle, DEPLOY_UNINSTALL_WAIT_MILLIS);
        }
        if (bundle.getState() != Bundle.UNINSTALLED) {
            try {
                bundle.uninstall();
            } catch (BundleException | IllegalStateException e) {
                if (bundle.getState() != Bundle.UNINSTALLED) {
                    throw new PluginException("Plugin " + name(bundle) + " not uninstalled: " + e.getMessage(), e);
                }
            }
            refresh(null);
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
        return new PluginInfo(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), PluginState.of(bundle.getState()), bundles.origin(bundle),
                bundle.getLocation(), components.of(bundle), kind(bundle));
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
    private void startOrExplain(Bundle bundle, String what) throws PluginException {
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            List<Finding> findings = diagnosis.why(bundle);
            throw new PluginException(what + " but not started. " + findings.subList(1, findings.size()).stream()
                    .map(Finding::reason).collect(Collectors.joining(" ")) + " (" + e.getMessage() + ")", e);
        }
        List<String> failures = diagnosis.failures(bundle);
        if (!failures.isEmpty()) {
            throw new PluginException(what + " and started, but " + String.join(" ", failures));
        }
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException alreadyGone) {
            // nothing installed is left either way
        }
    }

    private void refresh(Bundle bundle) throws PluginException {
        CountDownLatch done = new CountDownLatch(1);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        wiring.refreshBundles(bundle == null ? null : List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new PluginException("Refreshing the wiring took more than " + REFRESH_TIMEOUT_SECONDS
                        + " s; check plugin:list.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while refreshing the wiring.", e);
        }
    }

    private static void waitUntilGone(Bundle bundle, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (bundle.getState() != Bundle.UNINSTALLED && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String installFailure(BundleException e) {
        if (e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR) {
            return "a plugin with the same symbolic name and version is already installed (" + e.getMessage()
                    + "); update that one, or raise Bundle-Version.";
        }
        return e.getMessage();
    }

    static String name(Bundle bundle) {
        return bundle.getSymbolicName() + " (id " + bundle.getBundleId() + ")";
    }

    /** Where a plugin comes from: a local file, or a URL fetched into a temporary file first. */
    private static final class Source {
        final String location;
        final Path localFile;
        final URL remote;

        private Source(String location, Path localFile, URL remote) {
            this.location = location;
            this.localFile = localFile;
            this.remote = remote;
        }

        static Source of(String pathOrUrl) throws PluginException {
            if (pathOrUrl == null || pathOrUrl.isBlank()) {
                throw new PluginException("Give the path or URL of a bundle jar.");
            }
            String text = pathOrUrl.trim();
            if (text.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !text.matches("^[a-zA-Z]:[\\\\/].*")) {
                try {
                    URI uri = new URI(text);
                    if ("file".equalsIgnoreCase(uri.getScheme())) {
                        Path path = Paths.get(uri).toAbsolutePath().normalize();
                        return new Source(PluginBundles.locationOf(path), path, null);
                    }
                    return new Source(text, null, uri.toURL());
                } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
                    throw new PluginException("'" + text + "' is neither a readable file nor a valid URL: "
                            + e.getMessage(), e);
                }
            }
            try {
                Path path = Paths.get(text).toAbsolutePath().normalize();
                return new Source(PluginBundles.locationOf(path), path, null);
            } catch (InvalidPathException e) {
                throw new PluginException("'" + text + "' is not a valid path: " + e.getMessage(), e);
            }
        }

        Path localCopy() throws IOException {
            if (localFile != null) {
                return localFile;
            }
            Path temp = Files.createTempFile("carehost-plugin-", ".jar");
            try (InputStream in = remote.openStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return temp;
        }

        void discard(Path file) throws IOException {
            if (localFile == null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
