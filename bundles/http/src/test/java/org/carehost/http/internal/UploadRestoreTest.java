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
    private final UploadsUnderway underway = new UploadsUnderway();
    /** Run at each look-up of a bundle by location while set: what happens meanwhile. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> atNextLookup =
            new java.util.concurrent.atomic.AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        tables = new UploadTables();
        stored = new UploadStore(tables.store());
        held = new HeldUploads(data.resolve("uploads-held.txt"), log());
        restore = new UploadRestore(context(), plugins(), tables.store(), log(), held,
                Clock.fixed(NOW, ZoneOffset.UTC), configuration(), underway);
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
        keepAsUploaded("u2", again);
        look();
        assertEquals(Map.of(P, again), bundles);
        assertEquals(Map.of(P, new HeldUploads.Held("u2", again)), held.now());
    }

    @Test
    void anUninstallWhoseRemovalIsWrittenAfterTheJarWasUploadedAgainLeavesTheNewUpload() throws Exception {
        keep("u1");
        look();
        long first = bundles.get(P);
        // The worker is busy (a look), so the removal queued by the operator's plugin:uninstall waits; meanwhile the
        // same jar is uploaded again, installed and kept. Only then is the removal written.
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        restore.onWorker(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(30, TimeUnit.SECONDS));
        uninstall(P);
        long again = install(P);
        keepAsUploaded("u2", again);
        release.countDown();
        look();
        look();
        assertEquals(Map.of(P, again), bundles, "the upload the API answered 200 for stays: " + first + " went");
        assertEquals(1, stored.count());
        assertEquals(java.util.Set.of(new UploadStore.Removal(P, "u1")), stored.removed());
        assertEquals(Map.of(P, new HeldUploads.Held("u2", again)), held.now());
    }

    @Test
    void anUploadRequestsRollbackLeavesTheStoreAsItIs() throws Exception {
        // Another node's upload of the jar is kept, not yet installed here; an upload of it here is refused (or not
        // kept) and rolled back, on a lifecycle thread of the plugin manager's as a refused batch is (tryout 16, item
        // 6): the other node's row stays, no tombstone is written, and nothing warns.
        keep("uB");
        underway.begin(List.of(P));
        try {
            install(P);
            java.util.concurrent.CompletableFuture.runAsync(() -> uninstall(P)).get(30, TimeUnit.SECONDS);
        } finally {
            underway.end(List.of(P), true);
        }
        restore.onWorker(() -> { }).get(30, TimeUnit.SECONDS); // what the uninstall queued, done
        assertEquals(1, stored.count());
        assertEquals(java.util.Set.of(), stored.removed());
        assertEquals(List.of(), warnings, "a rollback, not an uninstall of a bundle never recorded");
        look();
        assertEquals(java.util.Set.of(P), bundles.keySet(), "the other node's upload installed here by a look");
        assertEquals("uB", held.now().get(P).uploadId());
    }

    @Test
    void anOperatorsUninstallDuringAKeptUploadIsForgottenWhenTheRequestEnds() throws Exception {
        // The request installs and keeps its upload; an operator uninstalls the bundle before the request ends: the
        // uninstall is the operator's (the request did not undo its install), so the upload is forgotten.
        underway.begin(List.of(P));
        String kept;
        try {
            long id = install(P);
            keepAsUploaded("uK", id);
            kept = held.now().get(P).uploadId();
            java.util.concurrent.CompletableFuture.runAsync(() -> uninstall(P)).get(30, TimeUnit.SECONDS);
        } finally {
            underway.end(List.of(P), false);
        }
        restore.onWorker(() -> { }).get(30, TimeUnit.SECONDS);
        assertEquals(0, stored.count(), "its row deleted");
        assertEquals(java.util.Set.of(new UploadStore.Removal(P, kept)), stored.removed());
        look();
        assertEquals(Map.of(), bundles, "not installed again");
    }

    @Test
    void aTombstoneUninstallsOnlyTheInstallationItWasDecidedFor() throws Exception {
        keep("u1");
        look();
        tables.execute("INSERT INTO plugin_upload_removed VALUES ('" + P + "', 'u1', TIMESTAMP WITH TIME ZONE '" + NOW
                + "')");
        // between the look's decision and its uninstall, the operator uninstalls the plugin and uploads it again
        long[] again = new long[1];
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        atNextLookup.set(() -> {
            if (lookups.incrementAndGet() == 2) { // the first is the look's own view of what is installed
                atNextLookup.set(null);
                uninstall(P);
                again[0] = install(P);
            }
        });
        look();
        assertTrue(again[0] != 0, "the operator's uninstall and upload ran during the look");
        assertEquals(Map.of(P, again[0]), bundles, "the fresh installation stays");
    }

    // ---- the store, the framework and the plugin manager of the test

    private Map<String, String> keep(String uploadId) throws Exception {
        Path jar = Files.write(data.resolve(uploadId + ".jar"), uploadId.getBytes(StandardCharsets.UTF_8));
        return stored.save(uploadId, List.of(new UploadArchive.Jar(jar, "p.jar", "org.example.p", "1.0.0", true,
                P.substring(7), Files.size(jar))), List.of(P), java.util.Set.of(), "op1", NOW);
    }

    /** What PluginUploads does once the jar is installed by the request: keeps it, and records the bundle. */
    private void keepAsUploaded(String uploadId, long bundleId) throws Exception {
        Path jar = Files.write(data.resolve(uploadId + ".jar"), uploadId.getBytes(StandardCharsets.UTF_8));
        Map<String, String> keptAs = stored.save(uploadId, List.of(new UploadArchive.Jar(jar, "p.jar",
                "org.example.p", "1.0.0", true, P.substring(7), Files.size(jar))), List.of(P), java.util.Set.of(P),
                "op1", NOW);
        held.put(Map.of(P, new HeldUploads.Held(keptAs.get(P), bundleId)));
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
                            : lookup() && bundles.containsKey((String) args[0]) ? bundle((String) args[0],
                                    bundles.get((String) args[0])) : null;
                    case "getDataFile" -> data.resolve((String) args[0]).toFile();
                    default -> null;
                });
    }

    /** Runs the hook of the next look-up, if any. */
    private boolean lookup() {
        Runnable hook = atNextLookup.get();
        if (hook != null) {
            hook.run();
        }
        return true;
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
