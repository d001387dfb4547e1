package org.carehost.sdk.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A Carehost container for one test: Felix with the host services (patients, appointments) on a private
 * in-memory H2, and the plugin under test installed and started. The security manager runs as in production,
 * with a policy that grants the plugin every permission it declares: a plugin that uses an API it did not
 * declare, imports a container package, or calls a service it has no permission for fails here as it would there. The SDK (and Jackson, and Event Admin's
 * API) come from the test's own class path, exported by the system bundle, so that the services a test
 * gets from the container are of the very types the test compiles against.
 */
public final class Carehost implements AutoCloseable {

    /** The framework property naming the container's bundle locations (the security manager's ContainerBundles). */
    private static final String CONTAINER_LOCATIONS = "carehost.container.locations";

    /** The host's bundles run below the plugins' start level (50), as carehost.jar's do. */
    private static final int HOST_START_LEVEL = 20;

    /** The plugin under test runs as a plugin (above the container's start levels), so the security manager applies. */
    private static final int PLUGIN_START_LEVEL = 60;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Framework framework;
    private final Path storage;
    private final Bundle plugin;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final MovableClock clock;

    private Carehost(Framework framework, Path storage, Bundle plugin, MovableClock clock) {
        this.clock = clock;
        this.framework = framework;
        this.storage = storage;
        this.plugin = plugin;
    }

    /**
     * Starts a container with {@code plugin} (a bundle jar) installed and started; {@code properties}
     * become framework properties. Seed data is written as on a first start. The plugin runs as a plugin, unless
     * {@code carehost.container.locations} in {@code properties} names its location ({@code file:} URI): then it runs
     * as one of the container's bundles, unchecked (for benchmarks that compare with the container's own code).
     */
    public static Carehost start(Path plugin, Map<String, String> properties) throws Exception {
        if (plugin == null || !Files.isRegularFile(plugin)) {
            throw new IllegalArgumentException("The plugin under test " + plugin + " is not a file: build it first "
                    + "(tests using the kit run after `package`, e.g. as *IT with maven-failsafe-plugin)");
        }
        ClassPathBundles classPath = ClassPathBundles.read();
        Path storage = Files.createTempDirectory("carehost-testkit");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.resolve("cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, classPath.sharedPackages());
        config.put("carehost.store.url", "jdbc:h2:mem:testkit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.put("carehost.audit.keyfile", storage.resolve("etc/security/audit-signing.key").toString());
        config.put("carehost.audit.checkpoints", storage.resolve("audit-checkpoints").toString());
        config.put("carehost.audit.journal", storage.resolve("audit-journal").toString());
        config.put("carehost.keys", storage.resolve("etc/security/keys").toString());
        config.put("carehost.plugin.startlevel", "50");
        // as runtime.bndrun: events reach plugins' handlers as bounded calls, not deny-listed by Event Admin's timeout
        config.put("org.apache.felix.eventadmin.IgnoreTimeout", "org.carehost.security.internal.PluginEventHandler");
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "100");
        config.put("carehost.security.policy", writePolicy(storage, plugin).toString());
        config.put("carehost.security.truststore", storage.resolve("etc/security/trusted").toString());
        config.put("carehost.plugins.data", storage.resolve("data/plugins").toString());
        config.putAll(properties);
        // The container's bundles are those installed from these locations below level 50 (the one rule the security
        // manager and plugin manager apply; carehost.jar's launcher lists its own): the host's jars, and whatever the
        // caller lists too (a benchmark that runs its bundle under test as the container's).
        String listed = properties.getOrDefault(CONTAINER_LOCATIONS, "");
        String pluginLocation = plugin.toAbsolutePath().toUri().toString();
        boolean pluginIsContainer = List.of(listed.split(",")).contains(pluginLocation);
        config.put(CONTAINER_LOCATIONS, String.join(",", classPath.hostLocations()) + (listed.isBlank() ? "" : "," + listed));
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(config);
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            MovableClock clock = new MovableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            context.registerService(java.time.Clock.class, clock,
                    new Hashtable<>(Map.of(Constants.SERVICE_RANKING, Integer.MAX_VALUE)));
            List<Bundle> host = new ArrayList<>();
            for (String location : classPath.hostLocations()) {
                Bundle bundle = context.installBundle(location);
                bundle.adapt(BundleStartLevel.class).setStartLevel(HOST_START_LEVEL);
                host.add(bundle);
            }
            for (Bundle bundle : host) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start();
                }
            }
            Bundle pluginBundle;
            try (InputStream in = Files.newInputStream(plugin)) {
                pluginBundle = context.installBundle(pluginLocation, in);
            }
            pluginBundle.adapt(BundleStartLevel.class).setStartLevel(pluginIsContainer ? HOST_START_LEVEL : PLUGIN_START_LEVEL);
            try {
                pluginBundle.start();
            } catch (BundleException e) {
                throw new BundleException(e.getMessage() + securityRefusals(context, pluginBundle), e);
            }
            Carehost carehost = new Carehost(framework, storage, pluginBundle, clock);
            carehost.recordEvents();
            return carehost;
        } catch (Exception | Error e) {
            framework.stop();
            framework.waitForStop(TIMEOUT.toMillis());
            throw e;
        }
    }

    /**
     * The container's clock: it starts at the test's start and stands still until {@link #advanceClock} moves it, so
     * that scheduled work ({@code org.carehost.sdk.schedule.Scheduler}) comes due when the test says.
     */
    public java.time.Clock clock() {
        return clock;
    }

    /**
     * The notifications the host's outbox has delivered so far ({@code carehost/notification/DELIVERED} events: id,
     * channel, sender, attempts, tenant), oldest first.
     */
    public List<Event> notifications() {
        return events("carehost/notification/DELIVERED");
    }

    /**
     * Imports FHIR R4 JSON as {@code patient:import} does, in the test's care context (the default tenant): a
     * {@code Patient}, or a {@code transaction} (all or nothing) or {@code batch} Bundle of them. Each patient passes the
     * tenant's transformers, then the host's rules and the validators, before it is stored; this returns when the
     * import is done, with one outcome per resource (problems are outcomes, never exceptions).
     */
    public List<Imported> importResources(String json) {
        return importResources("test.json", json);
    }

    /** {@link #importResources(String)}, naming the document {@code source} in the outcomes. */
    public List<Imported> importResources(String source, String json) {
        return PatientImports.run(context(), source, json, TIMEOUT);
    }

    /** Moves the container's clock forward; jobs due by then run within a moment (wait for what they do). */
    public Instant advanceClock(java.time.Duration by) {
        return clock.advance(by);
    }

    /**
     * The plugin's own folder, {@code data/plugins/<symbolic name>/} of this container: the one place its files may
     * be with {@code use:files} (the run-time layer refuses the rest), made if missing.
     */
    public Path pluginFolder() throws IOException {
        Path folder = storage.resolve("data/plugins").resolve(String.valueOf(plugin().getSymbolicName()));
        Files.createDirectories(folder);
        return folder;
    }

    /** The bundle of the plugin under test. */
    public Bundle plugin() {
        return plugin;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** A service, waiting up to 30 s for it to appear. */
    public <S> S service(Class<S> type) {
        return service(type, null);
    }

    /** A service matching an LDAP filter (e.g. {@code (channel=log)}), waiting up to 30 s for it. */
    public <S> S service(Class<S> type, String filter) {
        try {
            String full = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
            if (filter != null && !filter.isBlank()) {
                full = "(&" + full + filter + ")";
            }
            ServiceTracker<S, S> tracker = new ServiceTracker<>(context(), FrameworkUtil.createFilter(full), null);
            tracker.open();
            S service = tracker.waitForService(TIMEOUT.toMillis());
            if (service == null) {
                throw new AssertionError("No " + type.getName() + (filter == null ? "" : " " + filter)
                        + " service within " + TIMEOUT.toSeconds() + " s. The plugin under test: "
                        + String.join(" ", why()));
            }
            return service;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("Bad filter " + filter, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted waiting for " + type.getName(), e);
        }
    }

    /**
     * What the container says of the plugin under test, as {@code plugin:why} does: its state, a security refusal,
     * each component that is not active and why (a reference to a service the plugin lacks the permission for names
     * the permission). Put it in a failing assertion's message: a test that failed on its own assertion gave no clue
     * (a missing {@code schedule:work} in tryout 15 left the component unsatisfied, which only {@code plugin:why} in
     * the real container told).
     */
    public List<String> why() {
        return PluginWhy.of(context(), plugin);
    }

    /** Registers a service in the container, e.g. a test double of a {@code Notifier}. */
    public <S> void register(Class<S> type, S service, Map<String, Object> properties) {
        context().registerService(type, service, new Hashtable<>(properties));
    }

    /**
     * Creates or replaces the configuration {@code pid} (Config Admin), as an operator would, and returns once every
     * component configured by {@code pid} has these properties: the plugin works with its new settings from the
     * test's next line on. An {@link IllegalArgumentException} if the container refused it (see its reason).
     */
    public void configure(String pid, Map<String, Object> properties) throws IOException {
        Configuration configuration = service(ConfigurationAdmin.class).getConfiguration(pid, "?");
        Supplier<String> refusal = ComponentConfigurations.refusalAfter(pid,
                () -> events(ComponentConfigurations.REJECTED));
        configuration.update(new Hashtable<>(properties));
        new ComponentConfigurations(context()).await(pid, properties, refusal, TIMEOUT);
    }

    /**
     * Sets the plugin's own settings for the default tenant, the test's care context, as {@code plugin:config <plugin>
     * --tenant default key=value…} does: what its {@code TenantSettings.forCurrentTenant()} returns from the next call
     * on, over the component's configuration ({@link #configure}). Each value is checked against the plugin's Metatype
     * schema; an {@link IllegalArgumentException} names each refused one, and nothing is written.
     */
    public void configureTenant(Map<String, ?> values) {
        TenantConfigurations.write(context(), plugin, org.carehost.sdk.context.CareContext.DEFAULT_TENANT, values);
    }

    /** Events posted so far whose topic starts with {@code topicPrefix}. */
    public List<Event> events(String topicPrefix) {
        List<Event> matching = new ArrayList<>();
        for (Event event : events) {
            if (event.getTopic().startsWith(topicPrefix)) {
                matching.add(event);
            }
        }
        return matching;
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(TIMEOUT.toMillis());
        try (Stream<Path> files = Files.walk(storage)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private void recordEvents() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, "carehost/*");
        context().registerService(EventHandler.class, events::add, properties);
    }

    /**
     * Why the security manager refuses the plugin, as " Refused by the security manager: ..." (or ""). Read
     * reflectively: the security manager's API lives inside the container, not on the test's class path.
     */
    private static String securityRefusals(BundleContext context, Bundle plugin) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences("org.carehost.security.SecurityAdmin", null);
            if (references == null) {
                return "";
            }
            try {
                Object admin = context.getService(references[0]);
                Object refusals = admin.getClass().getMethod("refusals", Bundle.class).invoke(admin, plugin);
                return ((List<?>) refusals).isEmpty() ? "" : " Refused by the security manager: " + refusals;
            } finally {
                context.ungetService(references[0]);
            }
        } catch (ReflectiveOperationException | InvalidSyntaxException | RuntimeException e) {
            return " (the security manager's reasons could not be read: " + e + ")";
        }
    }

    /** A development-mode policy granting the plugin what its Carehost-Permissions header declares. */
    private static Path writePolicy(Path storage, Path plugin) throws IOException {
        Path policy = storage.resolve("etc/security/policy");
        Files.createDirectories(policy.getParent());
        List<String> lines = new ArrayList<>(List.of("mode development"));
        try (JarFile jar = new JarFile(plugin.toFile())) {
            Manifest manifest = jar.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            String declared = manifest == null ? null : manifest.getMainAttributes().getValue("Carehost-Permissions");
            if (name != null && declared != null) {
                // Only names that exist: an unknown one is reported by the security manager as the plugin's problem.
                List<String> known = new ArrayList<>();
                for (String permission : declared.split(",")) {
                    if (permission.trim().matches("(read|write):(patients|appointments|audit)|publish:events"
                            + "|use:(network|files|processes|reflection|native)")) {
                        known.add(permission.trim());
                    }
                }
                if (!known.isEmpty()) {
                    lines.add("grant plugin " + name.split(";")[0].trim() + " " + String.join(" ", known));
                }
            }
        }
        Files.write(policy, lines);
        return policy;
    }
}
