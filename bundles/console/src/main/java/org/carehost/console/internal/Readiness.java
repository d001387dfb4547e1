package org.carehost.console.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.carehost.plugins.ContainerStart;
import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Whether the container is ready for a script's first command, decided from state: the framework has reached its
 * beginning start level and every installed bundle's, every container bundle ({@link ContainerBundles}) is active, and every
 * container component that has a configuration is satisfied (its commands registered, the store migrated, the
 * security manager and the audit trail up), and every configuration file in {@code etc/} has reached the components
 * that take it ({@link WatchedConfigurations}). {@link #await} re-checks at each framework, bundle and service event
 * and returns what is still missing when the bound passes, so that the script can say so.
 *
 * <p>With {@code otherChecks}, the container bundles' own health checks tagged {@code systemready} (those not of this
 * bundle: a listener that starts on a thread of its own, such as the SSH shell) must be OK (or WARN: running degraded
 * and saying so, as the SSH shell does while its port is taken) too. Script mode waits for
 * them; {@link ContainerReadyCheck} leaves them out, since the health endpoints and {@code carehost:status} run every
 * check of the tag themselves.
 */
final class Readiness {

    private static final String SYSTEM_READY = "(&(objectClass=" + HealthCheck.class.getName() + ")("
            + HealthCheck.TAGS + "=" + ContainerReadyCheck.TAG + "))";

    private final BundleContext context;
    private final ServiceComponentRuntime components;
    private final ContainerBundles containerBundles;
    private final boolean otherChecks;
    private final WatchedConfigurations configurations;
    private final Object changed = new Object();
    /** Plugins holding a container thread past the plugin manager's bound: the container will not be ready by itself. */
    private final java.util.function.Supplier<List<String>> held;

    Readiness(BundleContext context, ServiceComponentRuntime components, boolean otherChecks,
            java.util.function.Supplier<List<String>> held) {
        this.context = context;
        this.held = held;
        this.components = components;
        this.containerBundles = new ContainerBundles(context);
        this.configurations = new WatchedConfigurations(context, components, containerBundles);
        this.otherChecks = otherChecks;
    }

    /** Waits until ready or the bound passes; returns what is not ready (empty when ready). */
    List<String> await(Duration bound) throws InterruptedException {
        FrameworkListener frameworkListener = event -> wake();
        ServiceListener serviceListener = event -> wake();
        org.osgi.framework.BundleListener bundleListener = event -> wake();
        context.addFrameworkListener(frameworkListener);
        context.addServiceListener(serviceListener);
        context.addBundleListener(bundleListener);
        // a configuration file applied (WatchedConfigurations) is a change too, even when no service follows from it
        org.osgi.framework.ServiceRegistration<org.osgi.service.cm.ConfigurationListener> configurationListener =
                context.registerService(org.osgi.service.cm.ConfigurationListener.class, event -> wake(), null);
        try {
            long deadline = System.nanoTime() + bound.toNanos();
            List<String> missing = missing(false);
            while (!missing.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !held.get().isEmpty()) {
                    return missing(true); // past the bound, or never by itself: a plugin holds a thread it needs
                }
                synchronized (changed) {
                    changed.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
                }
                missing = missing(false);
            }
            return missing;
        } finally {
            context.removeFrameworkListener(frameworkListener);
            context.removeServiceListener(serviceListener);
            context.removeBundleListener(bundleListener);
            configurationListener.unregister();
        }
    }

    private void wake() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** What is not ready now, in words. */
    List<String> missing() {
        return missing(true);
    }

    /**
     * What is not ready now; with {@code all} false, the components are asked about only once the start levels are
     * reached and the container's bundles active. A start posts hundreds of events, each a reason to look again, and
     * the components' DTOs are the costly part of a look (about 5 % of a warm start's CPU, measured with JFR, when
     * every event asked for them).
     */
    private List<String> missing(boolean all) {
        List<String> missing = new ArrayList<>();
        for (String plugin : held.get()) {
            missing.add(plugin + " (restart the container: a plugin quarantined for it does not start again)");
        }
        // the framework's start level reached the beginning level and every bundle's (one definition: ContainerStart)
        int level = ContainerStart.level(context);
        int target = ContainerStart.target(context);
        if (level < target) {
            missing.add("the framework is at start level " + level + " of " + target);
            if (all) {
                missing.addAll(holdingTheStart());
            }
        }
        List<Bundle> container = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (!containerBundles.isContainer(bundle)) {
                continue;
            }
            container.add(bundle);
            boolean fragment = bundle.getHeaders("").get("Fragment-Host") != null;
            // Every container bundle, not only those at or below the level reached: the launcher may not pass the
            // beginning start level on as a property (then target is 1), and the container's bundles go above 40.
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                missing.add("bundle " + bundle.getSymbolicName() + " is not active");
            }
        }
        if (!all && !missing.isEmpty()) {
            return missing;
        }
        // the container bundles' components only: with hundreds of plugins installed, theirs are most of SCR's (the
        // list is never empty, which SCR would read as every bundle: the system bundle is the container's)
        Bundle[] containers = container.toArray(new Bundle[0]);
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(containers)) {
            if (!components.isComponentEnabled(description)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : components.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                    missing.add("component " + description.name + " is not satisfied"
                            + (configuration.unsatisfiedReferences == null || configuration.unsatisfiedReferences.length == 0
                                    ? "" : " (waits for " + configuration.unsatisfiedReferences[0].name + ")"));
                }
            }
        }
        missing.addAll(configurations.missing());
        if (otherChecks && missing.isEmpty()) {
            missing.addAll(otherChecks(containers));
        }
        return missing;
    }

    /**
     * The plugins that hold the start up: one whose activator has not returned (STARTING), and an immediate component
     * of one that is satisfied but not active, so being built (its constructor or activate method has not returned):
     * the framework starts bundles one after another, and the deploy watcher installs jars one after another, so a
     * plugin that blocks there holds every later one.
     */
    List<String> holdingTheStart() {
        List<String> holding = new ArrayList<>();
        List<Bundle> plugins = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() == 0 || containerBundles.isContainer(bundle)) {
                continue;
            }
            if (bundle.getState() == Bundle.STARTING && !"lazy".equals(String.valueOf(bundle.getHeaders("")
                    .get(org.osgi.framework.Constants.BUNDLE_ACTIVATIONPOLICY)).split(";")[0].strip())) {
                holding.add("plugin " + bundle.getSymbolicName() + " is starting: its activator has not returned");
            } else if (bundle.getState() == Bundle.ACTIVE) {
                plugins.add(bundle);
            }
        }
        if (plugins.isEmpty()) {
            return holding;
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(plugins.toArray(new Bundle[0]))) {
            if (!description.immediate) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : components.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.SATISFIED) {
                    holding.add("plugin " + description.bundle.symbolicName + "'s component " + description.name
                            + " is being activated: its constructor or activate method has not returned (plugin:why "
                            + description.bundle.symbolicName + ")");
                }
            }
        }
        return holding;
    }

    /**
     * What the container bundles' other system-ready checks report as not OK, and each such check that is declared
     * (a container component with the tag) but not registered: a component being reconfigured (its configuration file
     * applied at a first start) is deactivated and activated again, and between the two its check is absent, which
     * must not read as ready.
     */
    private List<String> otherChecks(Bundle[] containers) {
        List<String> missing = new ArrayList<>();
        java.util.Set<String> registered = new java.util.HashSet<>();
        ServiceReference<?>[] checks;
        try {
            checks = context.getAllServiceReferences(null, SYSTEM_READY);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> reference : checks == null ? new ServiceReference<?>[0] : checks) {
            Bundle owner = reference.getBundle();
            if (owner == null || owner.equals(context.getBundle()) || !containerBundles.isContainer(owner)) {
                continue;
            }
            registered.add(String.valueOf(reference.getProperty("component.name")));
            Object service = context.getService(reference);
            if (!(service instanceof HealthCheck check)) {
                continue;
            }
            try {
                Result result = check.execute();
                // WARN is ready: a part that runs degraded and says so (the SSH shell while its port is taken)
                if (result.getStatus() != Result.Status.OK && result.getStatus() != Result.Status.WARN) {
                    missing.add(reference.getProperty(HealthCheck.NAME) + ": " + message(result));
                }
            } finally {
                context.ungetService(reference);
            }
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(containers)) {
            if (description.bundle.id == context.getBundle().getBundleId() || !systemReady(description) || registered.contains(description.name)
                    || !components.isComponentEnabled(description)
                    || "require".equals(description.configurationPolicy)
                            && components.getComponentConfigurationDTOs(description).isEmpty()
                            && !configured(description)) {
                continue;
            }
            missing.add(description.name + ": its system-ready check is not registered (being activated)");
        }
        return missing;
    }

    /**
     * Whether Config Admin holds a configuration of a component's PID: a component that requires its configuration
     * (the SSH shell: its defaults are written for it when {@code etc/} has no file) and has none made yet is being
     * activated when there is one, and left out only when there is none.
     */
    private boolean configured(ComponentDescriptionDTO description) {
        ServiceReference<ConfigurationAdmin> reference =
                context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin configAdmin = reference == null ? null : context.getService(reference);
        if (configAdmin == null) {
            return false;
        }
        try {
            for (String pid : description.configurationPid) {
                Configuration[] found = configAdmin.listConfigurations("(|(" + Constants.SERVICE_PID + "=" + pid
                        + ")(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + pid + "))");
                if (found != null && found.length > 0) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException | InvalidSyntaxException e) {
            return false;
        } finally {
            context.ungetService(reference);
        }
    }

    private static boolean systemReady(ComponentDescriptionDTO description) {
        Object tags = description.properties == null ? null : description.properties.get(HealthCheck.TAGS);
        if (tags instanceof String[] many) {
            return java.util.Arrays.asList(many).contains(ContainerReadyCheck.TAG);
        }
        return tags != null && ContainerReadyCheck.TAG.equals(String.valueOf(tags).trim());
    }

    private static String message(Result result) {
        for (ResultLog.Entry entry : result) {
            if (entry.getStatus() != Result.Status.OK) {
                return entry.getMessage();
            }
        }
        return result.getStatus().toString();
    }
}
