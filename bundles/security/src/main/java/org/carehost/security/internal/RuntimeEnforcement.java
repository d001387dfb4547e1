package org.carehost.security.internal;

import java.util.function.BiConsumer;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The second layer: the checker the agent's gate ({@code java.lang.CarehostGate}) calls at each of the JDK's choke
 * points. It reads the call ({@link ChokePoints}), finds the plugin that causes it ({@link Causes}) and lets
 * {@link RuntimeRules} decide; a refusal is remembered, logged and audited as DENIED (through {@link Alerts}, as the
 * scan's refusals are), a plugin over its thread budget is quarantined, and the plugin gets the SDK's
 * {@link PermissionDeniedException}. Container code is never refused (framework extensions aside, which nothing
 * installs at run time).
 *
 * <p>It claims the gate when the security manager starts, before any plugin runs. When the security manager stops,
 * it stays in place in lockdown: every call a plugin causes is refused until a new security manager claims the gate
 * (which only container code may: a plugin's claim is refused like any other call).
 */
final class RuntimeEnforcement implements BiConsumer<String, Object[]> {

    /** A refusal, for the security manager to record and audit (plugin, operation, permission, reason). */
    interface Reporter {
        void denied(Bundle plugin, String permission, String reason);

        void quarantine(Bundle plugin, String reason);
    }

    private final Causes causes;
    private final RuntimeRules rules;
    private final Reporter reporter;
    private final Logger logger;
    private volatile boolean lockdown;
    private volatile boolean active;

    RuntimeEnforcement(Causes causes, RuntimeRules rules, Reporter reporter, Logger logger) {
        this.causes = causes;
        this.rules = rules;
        this.reporter = reporter;
        this.logger = logger;
    }

    /** Claims the gate; false (and a warning) when the agent is not running. */
    boolean open() {
        try {
            Class<?> gate = Class.forName("java.lang.CarehostGate");
            loadEveryClassACheckMayNeed();
            gate.getMethod("claim", BiConsumer.class).invoke(null, this);
            active = true;
            return true;
        } catch (ClassNotFoundException notStarted) {
            logger.warn("Security: the run-time enforcement agent is not running, so plugins are checked only before "
                    + "they resolve. Start the container with 'java -jar carehost.jar' (which starts it) or add "
                    + "-javaagent:carehost-agent.jar.");
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            logger.error("Security: could not claim the run-time enforcement gate: {}", e.toString());
            return false;
        }
    }

    /**
     * Loads, now, every class of this package and the SDK's exception: the gate keeps this checker after the security
     * manager stops (in lockdown), and after its framework stops too (a JVM that runs one framework after another, as
     * a test runner does, until the next security manager claims the gate), when its bundle's class loader can load
     * nothing more. A class first needed then (the network reader at the first socket, say) would fail the JVM's own
     * call with a NoClassDefFoundError instead of being checked.
     */
    private void loadEveryClassACheckMayNeed() {
        PermissionDeniedException.class.getName();
        org.osgi.framework.Bundle self = org.osgi.framework.FrameworkUtil.getBundle(RuntimeEnforcement.class);
        java.util.Enumeration<java.net.URL> classes = self == null ? null
                : self.findEntries(RuntimeEnforcement.class.getPackageName().replace('.', '/'), "*.class", false);
        while (classes != null && classes.hasMoreElements()) {
            String path = classes.nextElement().getPath();
            String name = path.substring(path.indexOf("org/carehost/"), path.length() - ".class".length())
                    .replace('/', '.');
            try {
                Class.forName(name, false, RuntimeEnforcement.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                logger.warn("Security: could not load {} ahead of the checks: {}", name, e.toString());
            }
        }
    }

    /** From now on every call a plugin causes is refused, until another security manager claims the gate. */
    void close() {
        lockdown = true;
    }

    boolean active() {
        return active && !lockdown;
    }

    @Override
    public void accept(String hook, Object[] call) {
        Request request = ChokePoints.read(hook, call[0], (Object[]) call[1]);
        if (request == null) {
            return;
        }
        if (request.kind() == Kind.EXTENSION) {
            throw new PermissionDeniedException("container", RuntimeRules.CONTAINER_RULE, "Carehost runs no framework "
                    + "extension installed after it started (" + request.subject() + " refused)");
        }
        Bundle plugin = causes.current(request.framework());
        if (plugin == null || ChokePoints.jdkMayUse(hook) && causes.calledByJdk()) {
            return;
        }
        Refusal refusal = lockdown
                ? new Refusal(RuntimeRules.CONTAINER_RULE, request.target() + ", while the security manager is stopped",
                        false)
                : rules.decide(plugin, request);
        if (refusal == null) {
            return;
        }
        reporter.denied(plugin, refusal.permission(), refusal.reason());
        if (refusal.quarantine()) {
            reporter.quarantine(plugin, refusal.reason());
        }
        throw new PermissionDeniedException(String.valueOf(plugin.getSymbolicName()), refusal.permission(),
                refusal.reason());
    }
}
