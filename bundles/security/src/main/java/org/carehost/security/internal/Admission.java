package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.carehost.security.ContainerActors;
import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.carehost.security.internal.ApiScanner.Findings;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.service.log.Logger;

/**
 * Whether a plugin may resolve (its declaration, signature and code against its grants), and every refusal
 * noted so far: announced once per revision and reason set, refusals met while wiring, and impostors ({@link
 * Impostors}: plugins that registered a service as a host interface or a shell command of the container's, which are
 * then stopped).
 * {@code plugin:why} reads them all.
 */
final class Admission {

    private final BundleContext context;
    private final PluginScope scope;
    private final Inspector inspector;
    private final PolicyStore store;
    private final GrantsCalculator grants;
    private final Alerts alerts;
    private final Logger logger;
    /** How many times a container bundle was installed, updated or uninstalled ({@link #containerBundleChanged}). */
    private final java.util.concurrent.atomic.AtomicLong containerChanges = new java.util.concurrent.atomic.AtomicLong();
    /** The container's bundles' names as of a count of {@link #containerChanges}, or null before the first read. */
    private volatile ReservedNames reservedNames;
    private final Map<Long, Set<String>> wiringRefusals = new ConcurrentHashMap<>();
    private final Impostors impostors;
    /** Why the run-time layer could not be put in place although the agent runs, or null ({@link RuntimeLayer}). */
    private final Supplier<String> runtimeFailure;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    Admission(BundleContext context, PluginScope scope, Inspector inspector, PolicyStore store,
            GrantsCalculator grants, Alerts alerts, Executor worker, Logger logger, ShellCommands commands,
            Supplier<String> runtimeFailure) {
        this.context = context;
        this.runtimeFailure = runtimeFailure;
        this.scope = scope;
        this.inspector = inspector;
        this.store = store;
        this.grants = grants;
        this.alerts = alerts;
        this.logger = logger;
        this.impostors = new Impostors(context, scope, alerts, worker, logger, commands);
    }

    /** Why the plugin may not resolve now (declaration, signature, code against its grants); empty if it may. */
    List<String> admission(Bundle plugin) {
        try {
            return admissionChecked(plugin);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // fail closed, but never silently: the resolver reports such a refusal only as a missing requirement
            String reason = "it could not be checked (" + e + ")";
            if (announced.add(plugin.getBundleId() + ":" + plugin.getLastModified() + ":unchecked:" + e.getClass())) {
                logger.warn("Plugin {} {} could not be checked, so it is refused until it is checked again (at its next "
                        + "resolve: plugin:start or plugin:update it): {}", plugin.getSymbolicName(), plugin.getVersion(),
                        e.toString(), e);
            }
            return List.of(reason);
        }
    }

    private List<String> admissionChecked(Bundle plugin) {
        Inspection inspection = inspector.inspect(plugin);
        long held = grants.computeGrants(plugin);
        List<String> reasons = reasons(plugin, inspection, store.policy(), held);
        if (!reasons.isEmpty()) {
            announceRefusal(plugin, inspection, reasons);
        } else {
            announceNotices(plugin, inspection, AskedServices.notices(plugin, held, inspection.declared()));
        }
        return reasons;
    }

    /**
     * Why the plugin would be refused were the policy in force the same in {@code mode} (a preview, before
     * {@code security:mode} switches): the same reasons as {@link #admission}, announced nowhere.
     */
    List<String> admissionIn(Bundle plugin, SecurityMode mode) {
        Inspection inspection = inspector.inspect(plugin);
        Policy policy = store.policy().inMode(mode);
        long held = GrantsCalculator.grants(policy, String.valueOf(plugin.getSymbolicName()), plugin.getVersion(),
                inspection.declared(), inspection.trustedSigner());
        return reasons(plugin, inspection, policy, held);
    }

    /** Why the plugin may not resolve under {@code policy}, holding {@code held}: empty if it may. */
    private List<String> reasons(Bundle plugin, Inspection inspection, Policy policy, long held) {
        List<String> reasons = new ArrayList<>(installProblems(plugin, inspection));
        String unenforced = runtimeFailure.get();
        if (unenforced != null) {
            reasons.add("the run-time enforcement layer could not be put in place (" + unenforced + "), so no plugin "
                    + "may run: restart the container; security:status says more");
        }
        String host = containerHost(plugin);
        if (host != null) {
            reasons.add("it is a fragment of the container bundle " + host + "; plugins may not attach to the container");
        }
        if (policy.mode() == SecurityMode.PRODUCTION && inspection.trustedSigner() == null
                && inspection.signatureProblem() == null) {
            reasons.add(inspection.signed()
                    ? "it is signed, but not by a certificate in the trust store (" + store.trustDir() + ")"
                            + (inspection.untrustedSigner() == null ? "" : ": " + inspection.untrustedSigner())
                            + "; production mode runs only plugins signed by a trusted signer"
                    : "it is not signed; production mode runs only plugins signed by a trusted signer");
        }
        reasons.addAll(inspection.entryPointProblems());
        Findings findings = inspection.findings();
        if (findings.problem() != null) {
            reasons.add(findings.problem());
        }
        for (String use : findings.forbidden()) {
            reasons.add("it uses " + use + ", which no plugin may use");
        }
        for (Map.Entry<Permission, List<String>> need : findings.needs().entrySet()) {
            Permission permission = need.getKey();
            if ((held & permission.bit()) != 0) {
                continue;
            }
            boolean declared = (inspection.declared() & permission.bit()) != 0;
            reasons.add("it uses " + String.join("; ", need.getValue()) + ", which needs " + permission.id() + " ("
                    + (declared ? "declared but not granted: plugin:grant " + plugin.getSymbolicName() + " "
                            + permission.id() : "not declared in Carehost-Permissions") + ")");
        }
        return reasons;
    }

    /** What the plugin offers that the container will not ask it for ({@link AskedServices}); empty when nothing. */
    List<String> notices(Bundle plugin) {
        if (!scope.isPlugin(plugin)) {
            return List.of();
        }
        return AskedServices.notices(plugin, grants.computeGrants(plugin), inspector.inspect(plugin).declared());
    }

    /** Logs the notices once per revision and notice set, as the plugin is admitted (so at install or update). */
    private void announceNotices(Bundle plugin, Inspection inspection, List<String> notices) {
        if (!notices.isEmpty() && announced.add(plugin.getBundleId() + ":" + inspection.lastModified() + ":notices:"
                + notices.hashCode())) {
            logger.warn("Plugin {} {}: {}", plugin.getSymbolicName(), plugin.getVersion(), String.join("; ", notices));
        }
    }

    /** The container bundle this plugin is a fragment of (Fragment-Host), or null. */
    private String containerHost(Bundle plugin) {
        String header = plugin.getHeaders("").get(Constants.FRAGMENT_HOST);
        if (header == null) {
            return null;
        }
        String host = header.split(";")[0].trim();
        if (host.equals(Constants.SYSTEM_BUNDLE_SYMBOLICNAME)) {
            return host;
        }
        for (Bundle bundle : context.getBundles()) {
            if (host.equals(bundle.getSymbolicName()) && !scope.isPlugin(bundle)) {
                return host;
            }
        }
        return null;
    }

    /**
     * What keeps a plugin from being installed at all (a name the container audits its own records under, a name of
     * the container's or in its namespace ({@link ContainerNames}), unknown permission names, a broken signature).
     */
    List<String> installProblems(Bundle bundle) {
        return scope.isPlugin(bundle) ? installProblems(bundle, inspector.inspect(bundle)) : List.of();
    }

    private List<String> installProblems(Bundle bundle, Inspection inspection) {
        List<String> problems = new ArrayList<>();
        String actor = ContainerActors.refusal(bundle.getSymbolicName());
        if (actor != null) {
            problems.add(actor);
        }
        String container = ContainerNames.refusalAgainst(bundle.getSymbolicName(), reservedNames());
        if (container != null) {
            problems.add(container);
        }
        for (String unknown : inspection.unknownNames()) {
            problems.add("it declares the unknown permission '" + unknown + "' (valid: " + Permission.validNames() + ")");
        }
        if (inspection.signatureProblem() != null) {
            problems.add("its signature is broken: " + inspection.signatureProblem());
        }
        return problems;
    }

    /**
     * The symbolic names of the container's bundles as {@link ContainerNames} compares them: read once, and again after
     * a container bundle was installed, updated or uninstalled ({@link #containerBundleChanged}). Every resolve asks for every
     * candidate plugin: read each time, with 500 plugins in deploy/ a warm start read the hundred container bundles' names
     * hundreds of thousands of times.
     */
    private Set<String> reservedNames() {
        long now = containerChanges.get();
        ReservedNames known = reservedNames;
        if (known != null && known.asOf() == now) {
            return known.names();
        }
        List<String> read = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (scope.isContainer(bundle)) {
                read.add(bundle.getSymbolicName());
            }
        }
        Set<String> names = ContainerNames.reserved(read);
        reservedNames = new ReservedNames(now, names); // a change during the read makes it stale at once: read again
        return names;
    }

    private record ReservedNames(long asOf, Set<String> names) {
    }

    /** A container bundle was installed, updated or uninstalled: the names are read again at the next question. */
    void containerBundleChanged() {
        containerChanges.incrementAndGet();
    }

    /** Every reason the plugin is refused now: admission, wiring and impostor; none for a container bundle. */
    List<String> refusals(Bundle bundle) {
        if (!scope.isPlugin(bundle)) {
            return List.of();
        }
        Set<String> all = new LinkedHashSet<>(admission(bundle));
        all.addAll(wiringRefusals(bundle));
        String impostor = impostors.reason(bundle.getBundleId());
        if (impostor != null) {
            all.add(impostor);
        }
        return List.copyOf(all);
    }

    /** Records a refusal once per revision and reason set: the resolver asks again and again. */
    private void announceRefusal(Bundle plugin, Inspection inspection, List<String> reasons) {
        String key = plugin.getBundleId() + ":" + inspection.lastModified() + ":" + reasons.hashCode();
        if (announced.add(key)) {
            String reason = "refused to resolve: " + String.join("; ", reasons);
            alerts.refusedToResolve(plugin, reason);
            grants.refused(plugin); // a refusal at resolve counts toward the denial-rate alarm as any other
        }
    }

    void wiringRefused(Bundle plugin, String reason) {
        if (wiringRefusals.computeIfAbsent(plugin.getBundleId(), id -> ConcurrentHashMap.newKeySet()).add(reason)) {
            alerts.refusedToResolve(plugin, "refused to resolve: " + reason);
            grants.refused(plugin);
        }
    }

    /** The refusals noted while wiring the plugin since it last resolved or unresolved. */
    Set<String> wiringRefusals(Bundle plugin) {
        return wiringRefusals.getOrDefault(plugin.getBundleId(), Set.of());
    }

    /**
     * A plugin registering (or changing its service into) a host interface or a container's shell command is an
     * impostor ({@link Impostors}).
     */
    void serviceChanged(ServiceEvent event) {
        impostors.serviceChanged(event);
    }

    /** Once this receives service events: learns the container's commands and refuses plugins' that take one. */
    void openCommands() {
        impostors.openCommands();
    }

    /** A new policy: refusals are announced again, and wiring refusals noted again at the next refused resolve. */
    void policyChanged() {
        wiringRefusals.clear(); // the allow-list may have changed
        announced.clear();
    }

    /** The plugin resolved or unresolved: its wiring refusals are noted again at the next refused resolve, if any. */
    void rewired(long bundleId) {
        wiringRefusals.remove(bundleId);
    }

    /** The plugin was updated or uninstalled: nothing noted about it holds any more. */
    void forget(long bundleId) {
        wiringRefusals.remove(bundleId);
        impostors.forget(bundleId);
    }
}
