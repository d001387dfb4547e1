package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.osgi.service.log.Logger;

/** Loading, reloading, editing and watching the policy, without a framework. */
class PolicyStoreTest {

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();
    /** One permit per new policy in force. */
    private final Semaphore changes = new Semaphore(0);
    private PolicyStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aFirstStartWritesTheTemplateAndRunsInDevelopmentMode() {
        store = store(PolicyStore.WATCH_MILLIS);
        assertTrue(Files.exists(policyFile()));
        assertEquals(SecurityMode.DEVELOPMENT, store.policy().mode());
        assertNull(store.error());
    }

    @Test
    void aBadFileAtStartFailsClosed() throws Exception {
        write("mode development", "grant plugin a read:patient");
        store = store(PolicyStore.WATCH_MILLIS);
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode());
        assertTrue(store.policy().grants().isEmpty());
        assertTrue(store.error().contains("unknown permission 'read:patient'"), store.error());
        assertTrue(logged("ERROR Security policy {} refused, so nothing is granted until it is fixed: {}"), log::toString);
    }

    @Test
    void aBadFileOnReloadKeepsThePreviousPolicy() throws Exception {
        write("mode production", "grant plugin a read:patients");
        store = store(PolicyStore.WATCH_MILLIS);
        Policy before = store.policy();
        long version = store.version();

        write("mode development", "grant plugin a read:patient");
        store.reload();
        assertSame(before, store.policy());
        assertEquals(version, store.version());
        assertTrue(store.error().contains("unknown permission 'read:patient'"), store.error());
        assertEquals(0, changes.availablePermits(), "nothing to apply");
        assertTrue(logged("ERROR Security policy {} refused; the previous policy stays in force: {}"), log::toString);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> store.grant("a", List.of(Permission.WRITE_PATIENTS)));
        assertTrue(refused.getMessage().startsWith("The policy file has an error; fix it first: "), refused.getMessage());

        write("mode development", "grant plugin a read:patients");
        store.reload();
        assertEquals(SecurityMode.DEVELOPMENT, store.policy().mode());
        assertNull(store.error());
        assertEquals(version + 1, store.version());
        assertEquals(1, changes.availablePermits());
    }

    @Test
    void aMissingFileNeverLowersThePolicy() throws Exception {
        write("mode production");
        store = store(PolicyStore.WATCH_MILLIS);
        Files.delete(policyFile());
        store.reload();
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode());
        assertTrue(store.error().contains("is missing; restore it"), store.error());
    }

    @Test
    void editsAreWrittenAndInForceAtOnce() throws Exception {
        write("mode production");
        store = store(PolicyStore.WATCH_MILLIS);
        store.grant("org.example.labs", List.of(Permission.READ_PATIENTS, Permission.USE_NETWORK));
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.USE_NETWORK.bit(),
                store.policy().granted("org.example.labs", Version.emptyVersion, null));
        store.revoke("org.example.labs", List.of(Permission.USE_NETWORK));
        store.setMode(SecurityMode.DEVELOPMENT);
        assertEquals(SecurityMode.DEVELOPMENT, store.policy().mode());
        assertEquals(Permission.READ_PATIENTS.bit(),
                store.policy().granted("org.example.labs", Version.emptyVersion, null));
        assertEquals(3, changes.availablePermits());
        String file = Files.readString(policyFile(), StandardCharsets.UTF_8);
        assertTrue(file.contains("mode development") && file.contains("read:patients"), file);
    }

    @Test
    void theWatcherNoticesAChangedPolicyFile() throws Exception {
        write("mode development");
        store = store(50);
        store.startWatching();
        write("mode production", "quota default 600");
        assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the change was noticed");
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode());
        assertEquals(600, store.policy().quota("any"));
    }

    @Test
    void aPolicyFileIsReadOnlyOnceTwoLooksSeeItTheSame() throws Exception {
        write("mode production", "quota default 300");
        store = store(TimeUnit.HOURS.toMillis(1)); // the looks below are the test's own
        store.startWatching();
        Files.writeString(policyFile(), "", StandardCharsets.UTF_8); // written in place: truncated first
        store.look();
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode(), "a file seen once (here empty) is not read");
        store.look();
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode(), "an empty file is never read as a policy");
        assertTrue(store.error().contains("is empty"), store.error());
        write("mode production", "quota default 6000");
        store.look();
        assertEquals(300, store.policy().quota("any"), "changed again since the last look: not read yet");
        store.look();
        assertEquals(6000, store.policy().quota("any"), "the same in two looks: read");
        assertEquals(SecurityMode.PRODUCTION, store.policy().mode());
        assertEquals(1, changes.availablePermits(), "one reload, of the whole file");
    }

    @Test
    void theWatcherNoticesAChangedTrustStore() throws Exception {
        write("mode development");
        store = store(50);
        store.startWatching();
        assertTrue(store.trustStore().problems().isEmpty());
        Files.createDirectories(trustDir());
        Files.writeString(trustDir().resolve("acme.pem"), "not a certificate", StandardCharsets.UTF_8);
        assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the change was noticed");
        assertTrue(store.trustStore().problems().get(0).startsWith("acme.pem: not a certificate"),
                store.trustStore().problems()::toString);
        assertEquals(SecurityMode.DEVELOPMENT, store.policy().mode());
    }

    private PolicyStore store(long watchMillis) {
        Path scratch = dir.resolve("scratch");
        Inspector inspector = new Inspector(new ApiScanner(ApiRules.standard(), scratch), scratch,
                TrustStore.load(trustDir()));
        return new PolicyStore(new PolicyFile(policyFile()), trustDir(), inspector, logger(), changes::release,
                watchMillis);
    }

    private Path policyFile() {
        return dir.resolve("security/policy");
    }

    private Path trustDir() {
        return dir.resolve("security/trusted");
    }

    private void write(String... lines) throws Exception {
        Files.createDirectories(policyFile().getParent());
        Files.writeString(policyFile(), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private boolean logged(String line) {
        return log.contains(line);
    }

    /** A logger that keeps each message's level and pattern. */
    private Logger logger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getReturnType() == boolean.class) {
                        return true;
                    }
                    if (method.getReturnType() == String.class) {
                        return "test";
                    }
                    if (args != null && args.length > 0 && args[0] instanceof String) {
                        log.add(method.getName().toUpperCase(Locale.ROOT) + " " + args[0]);
                    }
                    return null;
                });
    }
}
