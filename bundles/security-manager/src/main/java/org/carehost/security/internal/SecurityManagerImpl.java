package org.carehost.security.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.security.Denial;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.carehost.security.PermissionReport;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.carehost.security.SecurityStatus;
import org.carehost.security.internal.ApiScanner.Findings;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The security manager: reads the policy and trust store, inspects each plugin, registers the framework hooks
 * that enforce the result (resolver, service find and event hooks), hands the host services each caller's live
 * grants, and applies policy changes at once. Works the same on every JDK: nothing here needs the JDK's
 * SecurityManager.
 */
@Component(immediate = true, service = {PermissionGuard.class, SecurityAdmin.class})
public final class SecurityManagerImpl implements PermissionGuard, SecurityAdmin {

    static final String POLICY_PROPERTY = "carehost.security.policy";
    static final String TRUST_PROPERTY = "carehost.security.truststore";
    static final long WATCH_MILLIS = 2000;

    private static final long HOST_VISIBILITY = Permission.READ_PATIENTS.bit() | Permission.READ_APPOINTMENTS.bit()
            | Permission.READ_AUDIT.bit() | Permission.PUBLISH_EVENTS.bit();

    private final BundleContext context;
    private final Logger logger;
    private final PluginScope scope;
    private final PolicyFile policyFile;
    private final Path trustDir;
    private final Inspector inspector;
    private final Denials denials = new Denials(Clock.systemUTC());
    private final Alerts alerts;
    private final Map<Long, PluginGrants> grants = new ConcurrentHashMap<>();
    private final Map<Long, Set<String>> wiringRefusals = new ConcurrentHashMap<>();
    private final Map<Long, String> impostors = new ConcurrentHashMap<>();
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    /** Plugins whose visible services changed with the policy: refreshed by the next apply. */
    private final Set<Long> pendingRefresh = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "carehost-security"));
    private final ScheduledExecutorService watcher =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "carehost-security-watch"));
    private final List<ServiceRegistration<?>> hooks = new ArrayList<>();
    private final SynchronousBundleListener bundleListener = this::bundleChanged;
    private final AllServiceListener impostorWatch = this::serviceChanged;

    private final ResolverGate resolverGate;
    private volatile Policy policy;
    private volatile ImportRules importRules;
    private volatile String policyError;
    private volatile String watchedState = "";
    /** Bumped after every policy change, before the change is applied to the plugins' grants. */
    private volatile long policyVersion;

    /** The real Event Admin (not the guarded one this component registers for plugins). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + GuardedEventAdmin.GUARD_PROPERTY + "=true))")
    private volatile EventAdmin events;

    /**
     * The care context, for delivering events to plugins in their tenant's context. Optional and dynamic: the
     * care-context bundle needs the store, and the hooks must stand before any plugin resolves, database or not.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventCare care;

    private final PluginEventDelivery eventDelivery;
    private final RuntimeEnforcement runtime;
    /** Plugins stopped for going over a run-time budget, and why; lifted when the plugin is started again. */
    private final Map<Long, String> quarantined = new ConcurrentHashMap<>();

    @Activate
    public SecurityManagerImpl(BundleContext context, @Reference(service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.logger = logger;
        this.scope = new PluginScope(context);
        this.alerts = new Alerts(denials, logger, worker, () -> events);
        this.policyFile = new PolicyFile(Paths.get(property(POLICY_PROPERTY, "etc/security/policy")));
        this.trustDir = Paths.get(property(TRUST_PROPERTY, "etc/security/trusted"));
        Path scratch = context.getDataFile("scratch").toPath();
        this.inspector = new Inspector(new ApiScanner(ApiRules.standard(), scratch), scratch, TrustStore.load(trustDir));
        loadPolicyAtStart();
        long self = context.getBundle().getBundleId();
        ServiceGate gate = new ServiceGate(scope, this::grantsOf, this::deliversEvents, self);
        this.eventDelivery = new PluginEventDelivery(context, scope, this::grantsOf, () -> care, logger);
        this.resolverGate = new ResolverGate(scope, this::admission, () -> importRules, this::wiringRefused);
        context.addBundleListener(bundleListener);
        context.addServiceListener(impostorWatch);
        hooks.add(context.registerService(ResolverHookFactory.class, resolverGate, null));
        hooks.add(context.registerService(WeavingHook.class, new ClassGate(scope, this::admission), null));
        ExtenderGate extenders = new ExtenderGate(scope, this::admission);
        hooks.add(context.registerService(org.osgi.framework.hooks.bundle.EventHook.class, extenders, null));
        hooks.add(context.registerService(org.osgi.framework.hooks.bundle.FindHook.class, extenders, null));
        hooks.add(context.registerService(FindHook.class, gate, null));
        hooks.add(context.registerService(EventListenerHook.class, gate, null));
        hooks.add(context.registerService(EventAdmin.class, new GuardedEventAdmin(() -> events, this::grantsOf,
                (plugin, reason) -> deny(plugin, "publish", Permission.PUBLISH_EVENTS.id(), reason)),
                new java.util.Hashtable<>(java.util.Map.of(GuardedEventAdmin.GUARD_PROPERTY, Boolean.TRUE))));
        eventDelivery.open(); // after the gate: from now on Event Admin reaches plugins' handlers only through it
        Causes causes = new Causes(scope);
        this.runtime = new RuntimeEnforcement(causes, new RuntimeRules(this::grantsOf, this::scopesOf,
                bundle -> policy.budgets().threads(String.valueOf(bundle.getSymbolicName())), new ContainerPaths(context),
                causes), new RuntimeEnforcement.Reporter() {
                    @Override
                    public void denied(Bundle plugin, String permission, String reason) {
                        deny(plugin, "runtime", permission, "denied at run time: " + reason);
                    }

                    @Override
                    public void quarantine(Bundle plugin, String reason) {
                        quarantineNow(plugin, reason);
                    }
                }, logger);
        runtime.open();
        announceMode();
        watchedState = watchState();
        worker.execute(this::apply);
        watcher.scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        runtime.close();
        watcher.shutdownNow();
        worker.shutdown();
        eventDelivery.close();
        for (ServiceRegistration<?> hook : hooks) {
            try {
                hook.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        context.removeServiceListener(impostorWatch);
        context.removeBundleListener(bundleListener);
    }

    // ---- PermissionGuard

    @Override
    public boolean isPlugin(Bundle bundle) {
        return scope.isPlugin(bundle);
    }

    @Override
    public Grants grantsOf(Bundle caller) {
        if (!scope.isPlugin(caller)) {
            return PluginGrants.CONTAINER;
        }
        long version = policyVersion;
        PluginGrants held = grants.computeIfAbsent(caller.getBundleId(), id -> {
            PluginGrants fresh = new PluginGrants(String.valueOf(caller.getSymbolicName()),
                    caller.getVersion().toString(), computeGrants(caller), denials, alerts);
            limit(fresh, policy);
            return fresh;
        });
        if (policyVersion != version) {
            // computed under the previous policy, and perhaps added after the new one was applied
            held.set(computeGrants(caller));
            limit(held, policy);
        }
        return held;
    }

    private static void limit(PluginGrants plugin, Policy current) {
        plugin.limits(current.quota(plugin.plugin()), current.patientsPerHour());
    }

    /** What the plugin holds under the current policy: never more than it declared. */
    private long computeGrants(Bundle plugin) {
        Inspection inspection = inspector.inspect(plugin);
        Policy current = policy;
        long bits = current.mode() == SecurityMode.DEVELOPMENT ? inspection.declared() & hostServiceBits() : 0;
        String name = String.valueOf(plugin.getSymbolicName());
        bits |= current.granted(name, plugin.getVersion(), inspection.trustedSigner());
        bits &= inspection.declared();
        bits &= ~current.denied(name, plugin.getVersion(), inspection.trustedSigner());
        return bits;
    }

    private static long hostServiceBits() {
        long bits = 0;
        for (Permission permission : Permission.values()) {
            bits |= permission.isAmbient() ? 0 : permission.bit();
        }
        return bits;
    }

    // ---- admission: may this plugin resolve?

    /** Why the plugin may not resolve now (declaration, signature, code against its grants); empty if it may. */
    List<String> admission(Bundle plugin) {
        try {
            return admissionChecked(plugin);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return List.of("it could not be checked (" + e + ")");
        }
    }

    private List<String> admissionChecked(Bundle plugin) {
        Inspection inspection = inspector.inspect(plugin);
        List<String> reasons = new ArrayList<>(installProblems(inspection));
        String host = containerHost(plugin);
        if (host != null) {
            reasons.add("it is a fragment of the container bundle " + host + "; plugins may not attach to the container");
        }
        if (policy.mode() == SecurityMode.PRODUCTION && inspection.trustedSigner() == null
                && inspection.signatureProblem() == null) {
            reasons.add(inspection.signed()
                    ? "it is signed, but not by a certificate in the trust store (" + trustDir + "); production mode "
                            + "runs only plugins signed by a trusted signer"
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
        long held = computeGrants(plugin);
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
        if (!reasons.isEmpty()) {
            announceRefusal(plugin, inspection, reasons);
        }
        return reasons;
    }

    /** The container bundle this plugin is a fragment of (Fragment-Host), or null. */
    private String containerHost(Bundle plugin) {
        String header = plugin.getHeaders("").get(org.osgi.framework.Constants.FRAGMENT_HOST);
        if (header == null) {
            return null;
        }
        String host = header.split(";")[0].trim();
        if (host.equals(org.osgi.framework.Constants.SYSTEM_BUNDLE_SYMBOLICNAME)) {
            return host;
        }
        for (Bundle bundle : context.getBundles()) {
            if (host.equals(bundle.getSymbolicName()) && !scope.isPlugin(bundle)) {
                return host;
            }
        }
        return null;
    }

    private static List<String> installProblems(Inspection inspection) {
        List<String> problems = new ArrayList<>();
        for (String unknown : inspection.unknownNames()) {
            problems.add("it declares the unknown permission '" + unknown + "' (valid: " + Permission.validNames() + ")");
        }
        if (inspection.signatureProblem() != null) {
            problems.add("its signature is broken: " + inspection.signatureProblem());
        }
        return problems;
    }

    /** Records a refusal once per revision and reason set: the resolver asks again and again. */
    private void announceRefusal(Bundle plugin, Inspection inspection, List<String> reasons) {
        String key = plugin.getBundleId() + ":" + inspection.lastModified() + ":" + reasons.hashCode();
        if (announced.add(key)) {
            String reason = "refused to resolve: " + String.join("; ", reasons);
            deny(plugin, "resolve", null, reason);
        }
    }

    private void wiringRefused(Bundle plugin, String reason) {
        if (wiringRefusals.computeIfAbsent(plugin.getBundleId(), id -> ConcurrentHashMap.newKeySet()).add(reason)) {
            deny(plugin, "resolve", null, "refused to resolve: " + reason);
        }
    }

    /** A denial that is not a service call (those are audited by the service): remembered, logged and audited. */
    private void deny(Bundle plugin, String operation, String permission, String reason) {
        alerts.denied(String.valueOf(plugin.getSymbolicName()), plugin.getVersion().toString(), operation, permission,
                reason);
    }

    /** The network and file scopes the policy gives this plugin's ambient grants. */
    private Policy.Scopes scopesOf(Bundle plugin) {
        return policy.scopes(String.valueOf(plugin.getSymbolicName()), plugin.getVersion(),
                inspector.inspect(plugin).trustedSigner());
    }

    /** Stops a plugin over a run-time budget; plugin:why says why until it is started again. */
    private void quarantineNow(Bundle plugin, String reason) {
        String why = "quarantined: it tried to " + reason + "; it was stopped (plugin:start lifts the quarantine)";
        if (quarantined.putIfAbsent(plugin.getBundleId(), why) != null) {
            return;
        }
        Map<String, Object> properties = new java.util.HashMap<>();
        properties.put(org.carehost.sdk.plugin.PluginEvents.SYMBOLIC_NAME, String.valueOf(plugin.getSymbolicName()));
        properties.put(org.carehost.sdk.plugin.PluginEvents.VERSION, plugin.getVersion().toString());
        properties.put(org.carehost.sdk.plugin.PluginEvents.BUNDLE_ID, plugin.getBundleId());
        properties.put(org.carehost.sdk.plugin.PluginEvents.REASON, why);
        deny(plugin, "quarantine", null, why);
        worker.execute(() -> {
            EventAdmin admin = events;
            if (admin != null) {
                admin.postEvent(new Event(org.carehost.sdk.plugin.PluginEvents.QUARANTINED, properties));
            }
            try {
                plugin.stop();
            } catch (BundleException | IllegalStateException e) {
                logger.error("Could not stop quarantined plugin {}: {}", plugin.getSymbolicName(), e.getMessage());
            }
        });
    }

    // ---- listeners

    private void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.UPDATED:
            case BundleEvent.UNINSTALLED:
                grants.remove(bundle.getBundleId());
                wiringRefusals.remove(bundle.getBundleId());
                impostors.remove(bundle.getBundleId());
                inspector.forget(bundle);
                break;
            case BundleEvent.STARTING:
                quarantined.remove(bundle.getBundleId()); // started again by the operator: the quarantine is lifted
                break;
            case BundleEvent.UNRESOLVED:
            case BundleEvent.RESOLVED:
                wiringRefusals.remove(bundle.getBundleId()); // noted again at the next refused resolve, if any
                break;
            default:
                break;
        }
    }

    /**
     * Whether the bundle implements Event Admin (so delivers events to handlers), as a container bundle: known from
     * its manifest too, since it tracks handlers before it registers its service.
     */
    private boolean deliversEvents(Bundle bundle) {
        if (scope.isPlugin(bundle) || bundle.getBundleId() == context.getBundle().getBundleId()) {
            return false;
        }
        String exported = bundle.getHeaders("").get("Export-Service");
        if (exported != null && exported.contains("org.osgi.service.event.EventAdmin")) {
            return true;
        }
        org.osgi.framework.wiring.BundleRevision revision = bundle.adapt(org.osgi.framework.wiring.BundleRevision.class);
        if (revision != null) {
            for (org.osgi.resource.Capability capability : revision.getCapabilities("osgi.service")) {
                if (String.valueOf(capability.getAttributes().get("objectClass")).contains("org.osgi.service.event.EventAdmin")) {
                    return true;
                }
            }
        }
        ServiceReference<?>[] providers = bundle.getRegisteredServices();
        if (providers == null) {
            return false;
        }
        for (ServiceReference<?> provided : providers) {
            for (String name : ServiceGate.objectClasses(provided)) {
                if (name.equals("org.osgi.service.event.EventAdmin")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A plugin registering a service as a host interface is an impostor: hidden at once, then stopped. */
    private void serviceChanged(ServiceEvent event) {
        if (event.getType() != ServiceEvent.REGISTERED) {
            return;
        }
        Bundle provider = event.getServiceReference().getBundle();
        if (!scope.isPlugin(provider)) {
            return;
        }
        String stolen = ServiceGate.impostor(event.getServiceReference());
        if (stolen == null) {
            return;
        }
        String reason = "registered a service as " + stolen + ", which only the container may provide; it was "
                + "hidden from every bundle and the plugin stopped";
        impostors.put(provider.getBundleId(), reason);
        deny(provider, "register", null, reason);
        worker.execute(() -> {
            try {
                provider.stop();
            } catch (BundleException | IllegalStateException e) {
                logger.error("Could not stop impostor plugin {}: {}", provider.getSymbolicName(), e.getMessage());
            }
        });
    }

    // ---- policy

    private void loadPolicyAtStart() {
        try {
            policyFile.createIfMissing();
            policy = policyFile.load();
            policyError = null;
        } catch (IOException | PolicyException e) {
            // No previous policy to keep: fail closed (production, nothing granted) until the file is fixed.
            policy = new Policy(SecurityMode.PRODUCTION, List.of(), List.of(), List.of(), Map.of(), 0,
                    Policy.DEFAULT_PATIENTS_PER_HOUR);
            policyError = e.getMessage();
            logger.error("Security policy {} refused, so nothing is granted until it is fixed: {}", policyFile.path(),
                    e.getMessage());
        }
        importRules = new ImportRules(policy.allowedImports());
    }

    private void announceMode() {
        if (policy.mode() == SecurityMode.DEVELOPMENT) {
            logger.warn("Security: DEVELOPMENT mode. Plugins get the host-service permissions they declare without a "
                    + "policy entry, and unsigned plugins run. Before real patient data: 'security:mode production' "
                    + "(or 'mode production' in {}).", policyFile.path());
        } else {
            logger.info("Security: PRODUCTION mode; policy {}, trust store {} ({} signers).", policyFile.path(),
                    trustDir, inspector.trustStore().subjects().size());
        }
    }

    private void watch() {
        try {
            String state = watchState();
            if (!state.equals(watchedState)) {
                watchedState = state;
                reload();
            }
        } catch (RuntimeException e) {
            logger.error("Security policy watch failed: {}", e.toString());
        }
    }

    /** Modification times and sizes of the policy file and the trust store: what a reload depends on. */
    private String watchState() {
        StringBuilder state = new StringBuilder();
        try {
            Path file = policyFile.path();
            if (Files.exists(file)) {
                state.append(Files.getLastModifiedTime(file).toMillis()).append('/').append(Files.size(file));
            }
            if (Files.isDirectory(trustDir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(trustDir)) {
                    Set<String> entries = new TreeSet<>();
                    for (Path certificate : files) {
                        entries.add(certificate.getFileName() + "@" + Files.getLastModifiedTime(certificate).toMillis());
                    }
                    state.append(entries);
                }
            }
        } catch (IOException e) {
            state.append(e.getMessage());
        }
        return state.toString();
    }

    /** Re-reads the policy and trust store; an invalid policy is refused whole and the one in force stays. */
    synchronized void reload() {
        Policy loaded;
        try {
            if (!Files.exists(policyFile.path())) {
                throw new PolicyException(policyFile.path() + " is missing; restore it (a missing file never lowers "
                        + "the policy; on the next start it is written again in development mode)");
            }
            loaded = policyFile.load();
        } catch (IOException | PolicyException e) {
            if (!e.getMessage().equals(policyError)) {
                logger.error("Security policy {} refused; the previous policy stays in force: {}", policyFile.path(),
                        e.getMessage());
            }
            policyError = e.getMessage();
            return;
        }
        SecurityMode before = policy.mode();
        importRules = new ImportRules(loaded.allowedImports());
        TrustStore trusted = TrustStore.load(trustDir);
        if (!trusted.sameAs(inspector.trustStore())) {
            inspector.trust(trusted); // who is a trusted signer changed: every plugin is inspected again
        }
        policy = loaded;
        policyError = null;
        policyVersion++;
        wiringRefusals.clear(); // the allow-list may have changed: noted again at the next refused resolve
        announced.clear();
        if (before != loaded.mode()) {
            announceMode();
        }
        logger.info("Security policy {} loaded: {} mode, {} grants, {} denials", policyFile.path(),
                loaded.mode().name().toLowerCase(Locale.ROOT), loaded.grants().size(), loaded.denials().size());
        applyNow();
    }

    private void applyNow() {
        for (Map.Entry<Long, PluginGrants> entry : grants.entrySet()) {
            Bundle bundle = context.getBundle(entry.getKey());
            if (bundle != null && scope.isPlugin(bundle)) {
                long before = entry.getValue().granted();
                long after = computeGrants(bundle);
                entry.getValue().set(after);
                limit(entry.getValue(), policy);
                if (visibility(before) != visibility(after)) {
                    pendingRefresh.add(bundle.getBundleId());
                }
            }
        }
        worker.execute(this::apply);
    }

    /**
     * Brings every plugin in line with the policy: a resolved plugin now refused, or whose visible services
     * changed, is refreshed (stopped, re-resolved through the hooks, restarted if it may); a refused plugin now
     * admitted is resolved and started if it was meant to run.
     */
    private void apply() {
        List<Bundle> refresh = new ArrayList<>();
        List<Bundle> start = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (!scope.isPlugin(bundle)) {
                continue;
            }
            boolean resolved = (bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0;
            boolean visibilityChanged = pendingRefresh.remove(bundle.getBundleId());
            List<String> refusals = new ArrayList<>(admission(bundle));
            if (resolved) {
                resolverGate.wiringViolations(bundle).forEach(violation -> wiringRefused(bundle, violation));
                refusals.addAll(wiringRefusals.getOrDefault(bundle.getBundleId(), Set.of()));
            }
            if (resolved && (!refusals.isEmpty() || visibilityChanged)) {
                refresh.add(bundle);
            } else if (bundle.getState() == Bundle.INSTALLED && refusals.isEmpty() && persistentlyStarted(bundle)) {
                start.add(bundle);
            }
        }
        Runnable starter = () -> start.forEach(this::startQuietly);
        if (refresh.isEmpty()) {
            starter.run();
        } else {
            context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(refresh,
                    done -> worker.execute(starter));
        }
    }

    private void startQuietly(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED && bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
        } catch (BundleException | IllegalStateException e) {
            logger.info("Plugin {} not started after the policy change: {}", bundle.getSymbolicName(), e.getMessage());
        }
    }

    private static boolean persistentlyStarted(Bundle bundle) {
        try {
            return bundle.adapt(BundleStartLevel.class).isPersistentlyStarted();
        } catch (RuntimeException uninstalled) {
            return false;
        }
    }

    /** The part of a grant that decides which services a plugin sees and which events it gets. */
    private static long visibility(long bits) {
        long key = bits & HOST_VISIBILITY;
        key |= (bits & (Permission.READ_PATIENTS.bit() | Permission.WRITE_PATIENTS.bit())) != 0 ? 1L << 40 : 0;
        key |= (bits & (Permission.READ_APPOINTMENTS.bit() | Permission.WRITE_APPOINTMENTS.bit())) != 0 ? 1L << 41 : 0;
        key |= (bits & (Permission.READ_AUDIT.bit() | Permission.WRITE_AUDIT.bit())) != 0 ? 1L << 42 : 0;
        return key;
    }

    // ---- SecurityAdmin

    @Override
    public synchronized String grant(String symbolicName, Collection<Permission> permissions) {
        requireName(symbolicName, permissions);
        for (Bundle bundle : pluginsNamed(symbolicName)) {
            long declared = inspector.inspect(bundle).declared();
            for (Permission permission : permissions) {
                if ((declared & permission.bit()) == 0) {
                    throw new IllegalArgumentException(symbolicName + " " + bundle.getVersion() + " does not declare "
                            + permission.id() + " (a plugin never holds a permission it does not declare; it declares: "
                            + names(declared) + ")");
                }
            }
        }
        edit(() -> policyFile.grant(symbolicName, permissions));
        policyChanged("plugin:grant", symbolicName, permissions);
        return "Granted " + names(permissions) + " to " + symbolicName + "; in force now.";
    }

    @Override
    public synchronized String revoke(String symbolicName, Collection<Permission> permissions) {
        requireName(symbolicName, permissions);
        edit(() -> policyFile.revoke(symbolicName, permissions));
        policyChanged("plugin:revoke", symbolicName, permissions);
        return "Revoked " + names(permissions) + " from " + symbolicName + "; in force now.";
    }

    @Override
    public synchronized String setMode(SecurityMode mode) {
        edit(() -> policyFile.setMode(mode));
        alerts.policyChanged("security:mode", null, null, "mode " + mode.name().toLowerCase(Locale.ROOT));
        return "Security mode is now " + mode.name().toLowerCase(Locale.ROOT) + "; every plugin re-checked.";
    }

    private interface Edit {
        void run() throws IOException, PolicyException;
    }

    private void edit(Edit edit) {
        if (policyError != null && Files.exists(policyFile.path())) {
            throw new IllegalStateException("The policy file has an error; fix it first: " + policyError);
        }
        try {
            edit.run();
        } catch (IOException e) {
            throw new IllegalStateException("Could not write " + policyFile.path() + ": " + e.getMessage(), e);
        } catch (PolicyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        watchedState = watchState();
        reload();
    }

    private void policyChanged(String operation, String symbolicName, Collection<Permission> permissions) {
        alerts.policyChanged(operation, symbolicName, names(permissions),
                operation + " " + symbolicName + " " + names(permissions));
    }

    private static void requireName(String symbolicName, Collection<Permission> permissions) {
        if (symbolicName == null || !symbolicName.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("'" + symbolicName + "' is not a plugin symbolic name");
        }
        if (permissions.isEmpty()) {
            throw new IllegalArgumentException("Name at least one permission: " + Permission.validNames());
        }
    }

    private List<Bundle> pluginsNamed(String symbolicName) {
        List<Bundle> named = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && scope.isPlugin(bundle)) {
                named.add(bundle);
            }
        }
        return named;
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
        TrustStore store = inspector.trustStore();
        List<String> signers = new ArrayList<>(store.subjects());
        store.problems().forEach(problem -> signers.add("(unreadable) " + problem));
        return new SecurityStatus(policy.mode(), policyFile.path().toString(), policyError, trustDir.toString(), signers,
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"), plugins, refused, runtime.active() ? "on: plugins' file, network, process, environment, reflection and JVM calls are checked as they happen" : "off: the agent is not running (java -jar carehost.jar starts it; elsewhere add -javaagent)");
    }

    @Override
    public PermissionReport report(Bundle plugin) {
        Inspection inspection = inspector.inspect(plugin);
        Grants held = grantsOf(plugin);
        long granted = 0;
        long used = 0;
        Map<String, Long> denied = new TreeMap<>();
        long quota = policy.quota(String.valueOf(plugin.getSymbolicName()));
        if (held instanceof PluginGrants) {
            PluginGrants live = (PluginGrants) held;
            granted = live.granted();
            quota = live.callsPerMinute(); // what is in force, which a policy change reaches a moment later
            used = live.used();
            for (Permission permission : Permission.values()) {
                if (live.denied(permission) > 0) {
                    denied.put(permission.id(), live.denied(permission));
                }
            }
        }
        for (Map.Entry<Permission, List<String>> need : inspection.findings().needs().entrySet()) {
            if ((granted & need.getKey().bit()) != 0) {
                used |= need.getKey().bit();
            }
        }
        return new PermissionReport(String.valueOf(plugin.getSymbolicName()), plugin.getVersion().toString(),
                ids(inspection.declared()), ids(granted), ids(used), denied, inspection.trustedSigner(),
                refusals(plugin), quota);
    }

    @Override
    public List<String> refusals(Bundle bundle) {
        if (!scope.isPlugin(bundle)) {
            return List.of();
        }
        Set<String> all = new LinkedHashSet<>(admission(bundle));
        all.addAll(wiringRefusals.getOrDefault(bundle.getBundleId(), Set.of()));
        String impostor = impostors.get(bundle.getBundleId());
        if (impostor != null) {
            all.add(impostor);
        }
        String quarantine = quarantined.get(bundle.getBundleId());
        if (quarantine != null) {
            all.add(quarantine);
        }
        return List.copyOf(all);
    }

    @Override
    public List<String> installProblems(Bundle bundle) {
        return scope.isPlugin(bundle) ? installProblems(inspector.inspect(bundle)) : List.of();
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
    public List<Denial> denials(int max) {
        return denials.newest(Math.max(0, max));
    }

    // ---- helpers

    private String property(String key, String fallback) {
        String value = context.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static Set<String> ids(long bits) {
        Set<String> ids = new TreeSet<>();
        for (Permission permission : Permission.values()) {
            if ((bits & permission.bit()) != 0) {
                ids.add(permission.id());
            }
        }
        return ids;
    }

    private static String names(long bits) {
        Set<String> ids = ids(bits);
        return ids.isEmpty() ? "nothing" : String.join(", ", ids);
    }

    private static String names(Collection<Permission> permissions) {
        List<String> ids = new ArrayList<>();
        permissions.forEach(permission -> ids.add(permission.id()));
        return String.join(" ", ids);
    }
}
