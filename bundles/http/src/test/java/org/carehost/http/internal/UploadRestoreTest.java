package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.plugins.PluginState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Version;
import org.osgi.service.log.Logger;

/**
 * The restore component driven look by look ({@link UploadRestore#lookNow}) on a real H2 store and a framework of its
 * own (bundles as locations and ids, events as the framework sends them): a store that lost the rows uninstalls
 * nothing; a jar uninstalled and uploaded again is not undone by a look between its install and its being kept.
 */
class UploadRestoreTest {

    private static final String P = "upload:" + "ab".repeat(32);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path data;
    private UploadTables tables;
    private UploadStore stored;
    /** The framework's bundles: location to id. */
    private final Map<String, Long> bundles = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(10);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private UploadRestore restore;
    private HeldUploads held;

    @BeforeEach
    void start() throws Exception {
        tables = new UploadTables();
        stored = new UploadStore(tables.store());
        held = new HeldUploads(data.resolve("uploads-held.txt"), log());
        restore = new UploadRestore(context(), plugins(), tables.store(), log(), held,
                Clock.fixed(NOW, ZoneOffset.UTC), configuration());
    }

    @AfterEach
    void stop() throws Exception {
        restore.deactivate();
        tables.close();
    }

    @Test
    void aStoreThatLostTheRowsUninstallsNothingAndWarnsOnce() throws Exception {
        keep("u1");
        look();
        long id = bundles.get(P);
        assertEquals(Map.of(P, new HeldUploads.Held("u1", id)), held.now());
        assertEquals(1, tables.execute("DELETE FROM plugin_upload"));
        look();
        look();
        assertEquals(Map.of(P, id), bundles, "still installed: the same bundle, its data with it");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("the store knows neither its jar nor its removal"), warnings.get(0));
        // only a tombstone of that very upload uninstalls it
        tables.execute("INSERT INTO plugin_upload_removed VALUES ('" + P + "', 'u0', TIMESTAMP WITH TIME ZONE '" + NOW
                + "')");
        look();
        assertEquals(Map.of(P, id), bundles);
        tables.execute("INSERT INTO plugin_upload_removed VALUES ('" + P + "', 'u1', TIMESTAMP WITH TIME ZONE '" + NOW
                + "')");
        look();
        assertEquals(Map.of(), bundles, "the removal of the upload held here, recorded: uninstalled");
        assertEquals(Map.of(), held.now());
    }

    @Test
    void aJarUninstalledAndUploadedAgainIsNotUndoneByALookBeforeItIsKept() throws Exception {
        keep("u1");
        look();
        long first = bundles.get(P);
        // The operator's plugin:uninstall (its row goes and its tombstone is written, on the worker), and at once the
        // same jar uploaded again: installed, as PluginUploads does first; then a look, before it is kept.
        uninstall(P);
        long again = install(P);
        assertTrue(again != first);
        look();
        assertEquals(Map.of(P, again), bundles, "the look between install and keeping leaves the new upload alone");
        assertEquals(0, stored.count());
        assertEquals(java.util.Set.of(new UploadStore.Removal(P, "u1")), stored.removed());
        assertEquals(List.of(), warnings);
        Map<String, String> keptAs = keep("u2");
        held.put(Map.of(P, new HeldUploads.Held(keptAs.get(P), again)));
        look();
        assertEquals(Map.of(P, again), bundles);
        assertEquals(Map.of(P, new HeldUploads.Held("u2", again)), held.now());
    }

    // ---- the store, the framework and the plugin manager of the test

    private Map<String, String> keep(String uploadId) throws Exception {
        Path jar = Files.write(data.resolve(uploadId + ".jar"), uploadId.getBytes(StandardCharsets.UTF_8));
        return stored.save(uploadId, List.of(new UploadArchive.Jar(jar, "p.jar", "org.example.p", "1.0.0", true,
                P.substring(7), Files.size(jar))), List.of(P), "op1", NOW);
    }

    private void look() throws Exception {
        restore.lookNow().get(30, TimeUnit.SECONDS);
    }

    private long install(String location) {
        long id = nextId.getAndIncrement();
        bundles.put(location, id);
        restore.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, bundle(location, id)));
        return id;
    }

    private void uninstall(String location) {
        long id = bundles.remove(location);
        restore.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, bundle(location, id)));
    }

    private Bundle bundle(String location, long id) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getLocation" -> location;
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> id == 0 ? "system.bundle" : "org.example.p";
                    case "getVersion" -> new Version(1, 0, 0);
                    case "getState" -> id == 0 ? Bundle.RESOLVED : bundles.containsValue(id) ? Bundle.ACTIVE
                            : Bundle.UNINSTALLED; // the system bundle not ACTIVE: no look of its own at start
                    case "hashCode" -> (int) id;
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> new Bundle[0];
                    case "getBundle" -> args[0] instanceof Long id ? (id == 0 ? bundle("System Bundle", 0) : null)
                            : bundles.containsKey((String) args[0]) ? bundle((String) args[0],
                                    bundles.get((String) args[0])) : null;
                    case "getDataFile" -> data.resolve((String) args[0]).toFile();
                    default -> null;
                });
    }

    private PluginManager plugins() {
        return (PluginManager) Proxy.newProxyInstance(PluginManager.class.getClassLoader(),
                new Class<?>[] {PluginManager.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "installAll" -> {
                        List<PluginInfo> installed = new ArrayList<>();
                        for (Object artifact : (List<?>) args[0]) {
                            String location = ((PluginArtifact) artifact).location();
                            installed.add(new PluginInfo(install(location), "org.example.p", "1.0.0",
                                    PluginState.ACTIVE, PluginOrigin.UPLOAD, location, List.of()));
                        }
                        yield installed;
                    }
                    case "uninstall" -> {
                        String location = bundles.entrySet().stream().filter(e -> e.getValue() == Long.parseLong(
                                (String) args[0])).map(Map.Entry::getKey).findFirst().orElseThrow();
                        uninstall(location);
                        yield null;
                    }
                    default -> null;
                });
    }

    private static UploadConfiguration configuration() {
        return (UploadConfiguration) Proxy.newProxyInstance(UploadConfiguration.class.getClassLoader(),
                new Class<?>[] {UploadConfiguration.class}, (proxy, method, args) ->
                        method.getName().equals("uploadPollSeconds") ? 0 : method.getDefaultValue());
    }

    /** A logger keeping each warning's text. */
    private Logger log() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args != null && args[0] instanceof String format) {
                        warnings.add(format);
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }
}
