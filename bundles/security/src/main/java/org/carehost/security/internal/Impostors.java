package org.carehost.security.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;

/**
 * Impostors: plugins that registered a service as a host interface or as a container's shell command (the names the
 * container's commands take, learnt from their registrations: {@link ShellCommands}). Each such service is hidden at
 * once by {@link ServiceGate}; here it is audited, its plugin stopped (on a thread of its own) and the reason kept for
 * {@link Admission#refusals}, and a refused command's names taken out of Gogo once it is gone.
 */
final class Impostors {

    private final BundleContext context;
    private final PluginScope scope;
    private final Alerts alerts;
    private final Executor worker;
    private final Logger logger;
    private final ShellCommands commands;
    /** An impostor's stop, apart from the worker, one at a time per plugin. */
    private final PluginStops stops;
    /** Why each impostor plugin is refused, by bundle id. */
    private final Map<Long, String> impostors = new ConcurrentHashMap<>();
    /** Impostor services already refused (by service id): each is audited and its plugin stopped once. */
    private final Set<Long> refusedServices = ConcurrentHashMap.newKeySet();

    Impostors(BundleContext context, PluginScope scope, Alerts alerts, Executor worker, Logger logger,
            ShellCommands commands) {
        this.context = context;
        this.scope = scope;
        this.alerts = alerts;
        this.worker = worker;
        this.logger = logger;
        this.commands = commands;
        this.stops = new PluginStops(logger);
    }

    /** Why the plugin is an impostor, or null. */
    String reason(long bundleId) {
        return impostors.get(bundleId);
    }

    /** The plugin was updated or uninstalled. */
    void forget(long bundleId) {
        impostors.remove(bundleId);
    }

    /**
     * A plugin registering (or changing its service into) a host interface or a container's shell command is an
     * impostor: hidden at once by {@link ServiceGate}, then stopped. A container command arriving may make a plugin's
     * command, registered before, an impostor too.
     */
    void serviceChanged(ServiceEvent event) {
        ServiceReference<?> reference = event.getServiceReference();
        if (!scope.isPlugin(reference.getBundle())) {
            if (commands.containerChanged(event)) {
                refuseShadowingCommands();
            }
            return;
        }
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            if (refusedServices.remove(reference.getProperty(Constants.SERVICE_ID))) {
                forgetInGogo(reference);
            }
        } else {
            refuseIfImpostor(reference);
        }
    }

    /** Once this receives service events: learns the container's commands and refuses plugins' that take one. */
    void openCommands() {
        commands.open(context);
        refuseShadowingCommands();
    }

    private void refuseShadowingCommands() {
        for (ServiceReference<?> command : ShellCommands.commandServices(context)) {
            if (scope.isPlugin(command.getBundle())) {
                refuseIfImpostor(command);
            }
        }
    }

    private void refuseIfImpostor(ServiceReference<?> reference) {
        Bundle provider = reference.getBundle();
        String stolen = ServiceGate.impostor(reference, commands);
        if (provider == null || stolen == null
                || !refusedServices.add((Long) reference.getProperty(Constants.SERVICE_ID))) {
            return;
        }
        String reason = stolen + "; it was hidden from every bundle and the plugin stopped";
        impostors.put(provider.getBundleId(), reason);
        alerts.denied(provider, "register", null, reason);
        // its stop runs its code (an activator's stop, a @Deactivate): on a thread of its own, never on the worker
        worker.execute(() -> stops.stopApart("impostor-stop", provider, () -> true));
    }

    /** A refused command gone: Gogo, if it saw it before it was refused, must forget its names ({@link GogoNames}). */
    private void forgetInGogo(ServiceReference<?> command) {
        List<String> functions = commands.shadowingFunctions(command);
        if (functions.isEmpty()) {
            return;
        }
        String commandScope = String.valueOf(PluginTexts.single(command.getProperty(ShellCommands.SCOPE))).trim();
        worker.execute(() -> {
            try {
                GogoNames.forget(context, commandScope, functions);
            } catch (Exception | LinkageError e) {
                logger.warn("Could not remove the refused command {}:{} from the shell; if '{}' fails, restart the "
                        + "container: {}", commandScope, functions, functions.get(0), e.toString());
            }
        });
    }
}
