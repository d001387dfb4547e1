package org.carehost.security.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.carehost.clock.ContainerClock;
import org.carehost.security.Denial;
import org.carehost.security.Grants;
import org.carehost.security.PluginEventCalls;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.carehost.security.PermissionReport;
import org.carehost.security.PluginLimits;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.carehost.security.SecurityStatus;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The security manager: reads the policy and trust store, inspects each plugin, registers the framework hooks
 * that enforce the result (resolver, service find and event hooks), hands the host services each caller's live
 * grants, and applies policy changes at once. Works the same on every JDK: nothing here needs the JDK's
 * SecurityManager.
 *
 * <p>This component wires the parts and answers the {@link PermissionGuard} and {@link SecurityAdmin} APIs:
 * {@link PolicyStore} (the policy in force, its file and the trust store, watched), {@link GrantsCalculator}
 * (each plugin's live grants), {@link Admission} (whether a plugin may resolve, and every refusal noted) and
 * {@link Reconciler} (a policy change applied to the running plugins). The hooks it registers are
 * {@link HookRegistrations}'; what a bundle's install, update, start or uninstall changes in the parts is
 * {@link BundleChanges}'. Past the wiring, each method here is a short answer of one of the two services it registers.
 */
@Component(immediate = true, service = {PermissionGuard.class, SecurityAdmin.class},
        configurationPid = SecuritySettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SecuritySettings.Configuration.class)
public final class SecurityManagerImpl implements PermissionGuard, SecurityAdmin {

    private final BundleContext context;
    private final SecuritySettings settings;
    private final Logger logger;
    private final PluginScope scope;
    /** Whether plugin code may have run yet: the run-time layer walks no stack before ({@link PluginCodeSeen}). */
    private final PluginCodeSeen pluginCode;
    private final Inspector inspector;
    private final Denials denials;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> new Thread(null, r, "carehost-security", 0, false));
    private final RefusalRecorder refusals;
    private final Alerts alerts;
    private final PolicyEdits edits;
    private final PolicyStore store;
    private final GrantsCalculator grants;
    private final Admission admission;
    private final Reconciler reconciler;
    private final PluginEventDelivery eventDelivery;
    private final Quarantine quarantine;
    private final RuntimeLayer runtime;
    private final HookRegistrations hooks;
    private final SynchronousBundleListener bundleListener;
    private final AllServiceListener impostorWatch;

    /** The real Event Admin (not the guarded one this component registers for plugins). */
    private volatile EventAdmin events;

    /**
     * The care context, for delivering events to plugins in their tenant's context. Optional and dynamic: the
     * care-context bundle needs the store, and the hooks must stand before any plugin resolves, database or not.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventCare care;

    /** How events reach plugins' handlers as bounded calls (the plugins bundle's); optional and dynamic as above. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PluginEventCalls eventCalls;

    /**
     * Who makes a policy edit on this thread: the operator whose command or request runs here (bound in its care
     * context), {@code operator} when none is (the local console, as the shell's own records name it), null when the care context is not there to ask.
     */
    private String operator() {
        EventCare link = care;
        if (link == null) {
            return null;
        }
        String user = link.currentUser();
        return user != null ? user : "operator";
    }

    @Activate
    public SecurityManagerImpl(SecuritySettings.Configuration configuration, BundleContext context,
            @Reference(service = LoggerFactory.class) Logger logger,
            @Reference(target = ContainerClock.TARGET) Clock clock,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configurations) {
        this.context = context;
        this.logger = logger;
        XmlExternals.close(logger); // before any plugin's descriptor is parsed
        this.denials = new Denials(clock);
        this.settings = SecuritySettings.of(configuration,
                configurations == null ? null : SecuritySettings.stored(configurations), context);
        this.scope = new PluginScope(context);
        this.pluginCode = new PluginCodeSeen(scope);
        this.alerts = new Alerts(denials, logger, worker, () -> events);
        PolicyFile policyFile = new PolicyFile(settings.policy());
        Path trustDir = settings.trustStore();
        Path scratch = context.getDataFile("scratch").toPath();
        this.inspector = new Inspector(new ApiScanner(ApiRules.standard(), scratch), scratch, TrustStore.load(trustDir));
        this.store = new PolicyStore(policyFile, trustDir, inspector, logger, this::policyReplaced); // loads it
        this.grants = new GrantsCalculator(context, scope, inspector, store, clock, denials, alerts);
        this.edits = new PolicyEdits(store, grants, alerts, this::operator);
        this.refusals = new RefusalRecorder(alerts, grants);
        ShellCommands commands = new ShellCommands(scope::isPlugin);
        this.admission = new Admission(context, scope, inspector, store, grants, alerts, worker, logger, commands,
                this::runtimeFailure);
        ResolverGate resolverGate = new ResolverGate(scope, admission::admission, store::importRules,
                admission::wiringRefused, bundle -> inspector.inspect(bundle).trustedSigner());
        KeptDown keptDown = new KeptDown(admission::refusals, worker, logger);
        this.reconciler = new Reconciler(context, scope, grants, admission, resolverGate, keptDown, worker, logger);
        this.eventDelivery = new PluginEventDelivery(context, scope, grants::grantsOf, () -> care,
                () -> eventCalls, logger);
        this.impostorWatch = admission::serviceChanged;
        this.quarantine = new Quarantine(alerts, worker, () -> events, logger,
                new QuarantineRecord(context.getDataFile("quarantined.properties").toPath()));
        this.bundleListener = new BundleChanges(scope, pluginCode, inspector, grants, admission, keptDown, quarantine);
        context.addBundleListener(bundleListener);
        context.addServiceListener(impostorWatch);
        admission.openCommands(); // after the listener: no container command is missed in between
        this.hooks = new HookRegistrations(context);
        hooks.registerGates(scope, commands, grants, admission, resolverGate, pluginCode, refusals, () -> events,
                plugin -> plugin.getState() == Bundle.UNINSTALLED || quarantine.reason(plugin.getBundleId()) != null);
        eventDelivery.open(); // after the gate: from now on Event Admin reaches plugins' handlers only through it
        quarantine.restore(context); // before any plugin runs: plugins start at a higher start level
        this.runtime = new RuntimeLayer(context, settings, scope, grants, store, inspector, quarantine, pluginCode,
                refusals, alerts, logger);
        runtime.open(); // before any plugin runs: plugins start at a higher start level
        hooks.register(PluginLimits.class, new PluginLimitsImpl(store, quarantine));
        hooks.register(org.carehost.security.PluginDeputy.class, runtime.deputies());
        store.announceMode();
        store.startWatching();
        worker.execute(reconciler::apply);
    }

    /** Why the run-time layer could not be put in place while the agent runs (no plugin is admitted), or null. */
    private String runtimeFailure() {
        RuntimeLayer layer = runtime; // null until the constructor has made it: nothing runs unchecked before then
        return layer == null ? null : layer.failure();
    }

    /** A new configuration: in force at the next start (the hooks never come down under running plugins). */
    @Modified
    void modified(SecuritySettings.Configuration configuration) {
        SecuritySettings wanted = SecuritySettings.of(configuration, null, context);
        if (!wanted.equals(settings)) {
            logger.warn("{} changed ({}); in force at the next start, until then: {}", SecuritySettings.PID, wanted,
                    settings);
        }
    }

    /** Event Admin comes: the alerts held meanwhile (refusals while it was away, a lockdown's) are posted. */
    @Reference(name = "events", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + GuardedEventAdmin.GUARD_PROPERTY + "=true))", unbind = "unbindEvents")
    void bindEvents(EventAdmin admin) {
        events = admin;
        alerts.eventAdminArrived();
    }

    void unbindEvents(EventAdmin admin) {
        if (events == admin) {
            events = null;
        }
    }

    @Deactivate
    void deactivate() {
        runtime.close();
        store.close();
        worker.shutdown();
        eventDelivery.close();
        hooks.unregisterAll();
        context.removeServiceListener(impostorWatch);
        context.removeBundleListener(bundleListener);
    }

    /** A new policy is in force: refusals noted under the previous one are stale, and the plugins follow it. */
    private void policyReplaced() {
        admission.policyChanged();
        reconciler.applyNow();
    }

    // ---- what a check made while plugins run needs

    PluginScope scope() {
        return scope;
    }

    GrantsCalculator grants() {
        return grants;
    }

    PolicyStore policyStore() {
        return store;
    }

    // ---- PermissionGuard

    @Override
    public boolean isPlugin(Bundle bundle) {
        return scope.isPlugin(bundle);
    }

    @Override
    public Grants grantsOf(Bundle caller) {
        return grants.grantsOf(caller);
    }

    // ---- SecurityAdmin

    @Override
    public String grant(String symbolicName, Collection<Permission> permissions) {
        return reconciler.whenApplied(edits.grant(symbolicName, permissions));
    }

    @Override
    public String revoke(String symbolicName, Collection<Permission> permissions) {
        return reconciler.whenApplied(edits.revoke(symbolicName, permissions));
    }

    @Override
    public java.util.Map<String, List<String>> refusedIn(SecurityMode mode) {
        java.util.Map<String, List<String>> refused = new java.util.LinkedHashMap<>();
        if (mode == null || mode == store.policy().mode()) {
            return refused;
        }
        for (Bundle bundle : context.getBundles()) {
            if (scope.isPlugin(bundle) && (bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0
                    && admission.refusals(bundle).isEmpty()) {
                List<String> reasons;
                try {
                    reasons = admission.admissionIn(bundle, mode);
                } catch (RuntimeException e) { // as admission itself: one that cannot be checked is refused
                    reasons = List.of("it could not be checked (" + e + ")");
                }
                if (!reasons.isEmpty()) {
                    refused.put(bundle.getSymbolicName() + " " + bundle.getVersion(), reasons);
                }
            }
        }
        return refused;
    }

    /** The new mode, in force once every plugin was re-checked; and which plugins it refuses (tryout 16 #10). */
    @Override
    public String setMode(SecurityMode mode) {
        String answer = reconciler.whenApplied(edits.setMode(mode));
        List<String> refused = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (scope.isPlugin(bundle) && !admission.refusals(bundle).isEmpty()) {
                refused.add(bundle.getSymbolicName());
            }
        }
        return answer + (refused.isEmpty() ? " No plugin is refused." : " Refused now (plugin:why <name> says why): "
                + String.join(", ", refused) + ".");
    }

    @Override
    public SecurityStatus status() {
        int plugins = 0;
        int refused = 0;
        for (Bundle bundle : context.getBundles()) {
            if (scope.isPlugin(bundle)) {
                plugins++;
                refused += refusals(bundle).isEmpty() ? 0 : 1;
            }
        }
        return store.status(plugins, refused, runtime.state());
    }

    @Override
    public PermissionReport report(Bundle plugin) {
        return grants.report(plugin, refusals(plugin));
    }

    @Override
    public List<String> refusals(Bundle bundle) {
        String quarantined = quarantine.reason(bundle.getBundleId());
        if (quarantined == null) {
            return admission.refusals(bundle);
        }
        List<String> all = new ArrayList<>(admission.refusals(bundle));
        all.add(quarantined);
        return all;
    }

    @Override
    public List<String> notices(Bundle bundle) {
        return admission.notices(bundle);
    }

    @Override
    public List<String> installProblems(Bundle bundle) {
        return admission.installProblems(bundle);
    }

    @Override
    public Optional<String> hiddenBecause(Bundle requester, String serviceInterface) {
        if (!scope.isPlugin(requester)) {
            return Optional.empty();
        }
        if (!ServiceGate.FOR_PLUGINS.containsKey(serviceInterface)
                && ServiceGate.impostor(new String[] {serviceInterface}) == null) {
            return Optional.empty(); // plugins' own interfaces: visible whenever some plugin provides them
        }
        return Optional.ofNullable(ServiceGate.hiddenBecause(grantsOf(requester), serviceInterface));
    }

    @Override
    public void quarantine(Bundle plugin, String reason) {
        if (!scope.isPlugin(plugin)) {
            throw new IllegalArgumentException(plugin.getSymbolicName() + " is not a plugin; only plugins are quarantined");
        }
        quarantine.quarantine(plugin, reason);
    }

    @Override
    public List<Denial> denials(int max) {
        return denials.newest(Math.max(0, max));
    }
}
