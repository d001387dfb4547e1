package org.carehost.plugins.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.carehost.security.SecurityAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Posts {@code carehost/plugin/*} events on Event Admin, and logs them, whenever a plugin's lifecycle
 * changes. A plugin that fails (cannot resolve, throws in activate, a deploy-folder file that is not a
 * bundle) gets a FAILED event with the reason in plain words, once per distinct reason: the framework
 * reports no event for these, so a short check follows every change, and the deploy folder is checked
 * for files that did not become plugins.
 */
@Component(immediate = true)
public final class LifecycleEvents implements BundleListener, FrameworkListener {

    /** How long after a change the plugin is checked for failure: lets DS activate its components. */
    private static final long CHECK_DELAY_MILLIS = 300;
    private static final long DEPLOY_SCAN_SECONDS = 2;

    private final BundleContext context;
    private final EventAdmin eventAdmin;
    private final Logger log;
    private final PluginBundles bundles;
    private final Diagnosis diagnosis;
    private final ActivationFailures failures;
    private final Map<Long, Identity> known = new ConcurrentHashMap<>();
    private final Map<Object, String> lastFailure = new ConcurrentHashMap<>();
    private final Map<Long, ScheduledFuture<?>> pendingChecks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "carehost-plugin-health");
        thread.setDaemon(true);
        return thread;
    });

    /** Optional: a plugin the security manager refuses is reported as failed with its reasons. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SecurityAdmin security;

    @Activate
    public LifecycleEvents(BundleContext context, @Reference EventAdmin eventAdmin,
            @Reference ServiceComponentRuntime scr,
            @Reference ActivationFailures failures, @Reference(service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.eventAdmin = eventAdmin;
        this.log = log;
        this.bundles = new PluginBundles(context);
        this.failures = failures;
        this.diagnosis = new Diagnosis(context, bundles, new ComponentStates(scr, failures, () -> security), () -> security);
        context.addBundleListener(this);
        context.addFrameworkListener(this);
        for (Bundle bundle : bundles.plugins()) {
            known.put(bundle.getBundleId(), Identity.of(bundle));
            scheduleCheck(bundle);
        }
        checker.scheduleWithFixedDelay(this::scanDeployFolder, DEPLOY_SCAN_SECONDS, DEPLOY_SCAN_SECONDS,
                TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        context.removeFrameworkListener(this);
        checker.shutdownNow();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        String topic = topicOf(event.getType());
        if (topic == null) {
            return;
        }
        Identity identity;
        if (event.getType() == BundleEvent.UNINSTALLED) {
            identity = known.remove(bundle.getBundleId());
            lastFailure.remove(bundle.getBundleId());
            failures.forget(bundle);
            if (identity == null) {
                return;
            }
        } else {
            if (!bundles.isPlugin(bundle)) {
                return;
            }
            identity = Identity.of(bundle);
            known.put(bundle.getBundleId(), identity);
            if (event.getType() == BundleEvent.UPDATED || event.getType() == BundleEvent.STARTED) {
                lastFailure.remove(bundle.getBundleId());
            }
            scheduleCheck(bundle);
        }
        post(topic, identity, null);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() == FrameworkEvent.ERROR && bundle != null && bundles.isPlugin(bundle)) {
            Throwable error = event.getThrowable();
            fail(bundle.getBundleId(), Identity.of(bundle),
                    error == null ? "framework error" : String.valueOf(error.getMessage()));
        }
    }

    private void scheduleCheck(Bundle bundle) {
        long id = bundle.getBundleId();
        ScheduledFuture<?> previous = pendingChecks.put(id, checker.schedule(() -> check(bundle),
                CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void check(Bundle bundle) {
        pendingChecks.remove(bundle.getBundleId());
        try {
            if (bundle.getState() == Bundle.UNINSTALLED) {
                return;
            }
            List<String> failures = diagnosis.failures(bundle);
            if (!failures.isEmpty()) {
                fail(bundle.getBundleId(), Identity.of(bundle), String.join(" ", failures));
            }
        } catch (RuntimeException e) {
            log.debug("Plugin check of bundle {} skipped: {}", bundle.getBundleId(), e.toString());
        }
    }

    /** Deploy-folder files that did not become plugins: not a jar, not a bundle, a duplicate. */
    private void scanDeployFolder() {
        Path dir = bundles.deployDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .forEach(file -> {
                        Path notInstalled = diagnosis.deployFileNamed(file.toString());
                        if (notInstalled == null || isStillChanging(file)) {
                            return;
                        }
                        List<String> why = diagnosis.whyFile(file);
                        String reason = String.join(" ", why.subList(1, why.size()));
                        if (!reason.startsWith("It is a valid bundle")) {
                            fail(file.toString(), new Identity(file.getFileName().toString(), "0.0.0", -1L), reason);
                        }
                    });
        } catch (Exception e) {
            log.debug("Deploy folder scan skipped: {}", e.toString());
        }
    }

    private static boolean isStillChanging(Path file) {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < 1000;
        } catch (Exception gone) {
            return true;
        }
    }

    private void fail(Object key, Identity identity, String reason) {
        if (reason.equals(lastFailure.put(key, reason))) {
            return;
        }
        post(PluginEvents.FAILED, identity, reason);
    }

    private void post(String topic, Identity identity, String reason) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PluginEvents.SYMBOLIC_NAME, identity.symbolicName());
        properties.put(PluginEvents.VERSION, identity.version());
        properties.put(PluginEvents.BUNDLE_ID, identity.id());
        if (reason != null) {
            properties.put(PluginEvents.REASON, reason);
        }
        String what = topic.substring(PluginEvents.TOPIC_PREFIX.length());
        if (reason == null) {
            log.info("Plugin {} {} (id {}) {}", identity.symbolicName(), identity.version(), identity.id(), what);
        } else {
            log.warn("Plugin {} {} {}: {}", identity.symbolicName(), identity.version(), what, reason);
        }
        eventAdmin.postEvent(new Event(topic, properties));
    }

    private static String topicOf(int type) {
        switch (type) {
            case BundleEvent.INSTALLED: return PluginEvents.INSTALLED;
            case BundleEvent.RESOLVED: return PluginEvents.RESOLVED;
            case BundleEvent.STARTED: return PluginEvents.STARTED;
            case BundleEvent.STOPPED: return PluginEvents.STOPPED;
            case BundleEvent.UPDATED: return PluginEvents.UPDATED;
            case BundleEvent.UNINSTALLED: return PluginEvents.UNINSTALLED;
            default: return null;
        }
    }

    /** What an event says about a plugin; kept so that UNINSTALLED can still name it. */
    private record Identity(String symbolicName, String version, long id) {

        static Identity of(Bundle bundle) {
            return new Identity(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                    bundle.getBundleId());
        }
    }
}
