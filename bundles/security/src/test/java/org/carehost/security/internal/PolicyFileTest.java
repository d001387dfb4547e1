package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class PolicyFileTest {

    private static final Version V1 = Version.parseVersion("1.2.0");

    @Test
    void grantsDenialsAndSignersAreParsed() throws Exception {
        Policy policy = PolicyFile.parse(List.of(
                "# comment",
                "mode production",
                "grant plugin org.example.labs [1.0,2.0) read:patients use:network  # trailing comment",
                "grant signer \"CN=Acme Labs, O=Acme\" read:appointments",
                "deny plugin org.example.labs use:network",
                "allow-import com.example.lib.*"), "policy");
        assertEquals(SecurityMode.PRODUCTION, policy.mode());
        long labs = policy.granted("org.example.labs", V1, null);
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.USE_NETWORK.bit(), labs);
        assertEquals(0, policy.granted("org.example.labs", Version.parseVersion("2.0.0"), null), "outside the range");
        assertEquals(Permission.READ_APPOINTMENTS.bit(), policy.granted("other", V1, "CN=Acme Labs, O=Acme"));
        assertEquals(Permission.USE_NETWORK.bit(), policy.denied("org.example.labs", V1, null));
        assertEquals(List.of("com.example.lib.*"), policy.allowedImports());
    }

    @Test
    void quotasAndTheAnomalyThresholdAreParsed() throws Exception {
        Policy policy = PolicyFile.parse(List.of("quota default 600", "quota plugin org.example.labs 60",
                "anomaly patients-per-hour 50"), "policy");
        assertEquals(60, policy.quota("org.example.labs"));
        assertEquals(600, policy.quota("org.example.other"));
        assertEquals(50, policy.patientsPerHour());
        assertEquals(0, PolicyFile.parse(List.of("mode development"), "policy").quota("x"));
        assertEquals(Policy.DEFAULT_PATIENTS_PER_HOUR, PolicyFile.parse(List.of(), "policy").patientsPerHour());
        assertMessage("policy line 1: '-5' is not a whole number", "quota default -5");
        assertMessage("policy line 1: write 'quota plugin", "quota org.example.labs 5");
        assertMessage("policy line 1: write 'anomaly patients-per-hour <n>'", "anomaly patients 5");
        assertEquals(Policy.DEFAULT_DENIALS_PER_MINUTE, PolicyFile.parse(List.of(), "policy").denialsPerMinute());
        assertEquals(5, PolicyFile.parse(List.of("anomaly denials-per-minute 5"), "policy").denialsPerMinute());
        assertMessage("policy line 1: anomaly denials-per-minute is at most 10000", "anomaly denials-per-minute 20000");
    }

    @Test
    void networkAndFileScopesAndBudgetsAreParsed() throws Exception {
        Policy policy = PolicyFile.parse(List.of(
                "grant plugin org.example.labs use:network lab.example.org:443 10.0.0.1:* listen:8443 use:files /srv/labs",
                "threads default 8", "threads plugin org.example.labs 2", "allocation plugin org.example.labs 64",
                "native-memory default 100", "native-memory plugin org.example.labs 3"),
                "policy");
        Policy.Scopes scopes = policy.scopes("org.example.labs", V1, null);
        assertEquals(List.of("lab.example.org:443", "10.0.0.1:*"), scopes.connect());
        assertEquals(List.of(8443), scopes.listen());
        assertEquals(List.of("/srv/labs"), scopes.folders());
        assertEquals(Permission.USE_NETWORK.bit() | Permission.USE_FILES.bit(), policy.granted("org.example.labs", V1, null));
        assertEquals(2, policy.budgets().threads("org.example.labs"));
        assertEquals(8, policy.budgets().threads("other"));
        assertEquals(64L * 1024 * 1024, policy.budgets().allocationBytesPerSecond("org.example.labs"));
        assertEquals(Policy.Budgets.DEFAULT_ALLOCATION_MB_PER_SECOND * 1024 * 1024,
                policy.budgets().allocationBytesPerSecond("other"));
        assertMessageHas("after use:network: host:port", "grant plugin a read:patients lab.example.org:443");
        assertMessageHas("is not a port", "grant plugin a use:network listen:70000");
        assertMessageHas("write 'threads plugin", "threads a 5");
        assertEquals(3L * 1024 * 1024, policy.budgets().nativeMemoryBytes("org.example.labs"));
        assertEquals(100L * 1024 * 1024, policy.budgets().nativeMemoryBytes("other"));
        assertEquals(Policy.Budgets.DEFAULT_NATIVE_MEMORY_MB * 1024 * 1024,
                PolicyFile.parse(List.of("threads default 8"), "policy").budgets().nativeMemoryBytes("other"));
        assertMessageHas("write 'native-memory plugin <symbolic-name> <MB>'", "native-memory plugin a");
    }

    @Test
    void callLimitsAreParsed() throws Exception {
        CallLimits limits = PolicyFile.parse(List.of("deadline validator 500", "deadline plugin org.example.slow 9000",
                "overruns default 5", "overruns plugin org.example.slow 1",
                "validation plugin org.example.v fail-open", "validation plugin org.example.v fail-closed tenant t2",
                "plugin-data default 100", "plugin-data plugin org.example.big 2048"), "policy").calls();
        assertEquals(500, limits.deadlineMillis("other", "validator"));
        assertEquals(9000, limits.deadlineMillis("org.example.slow", "validator"));
        assertEquals(10_000, limits.deadlineMillis("other", "notifier"), "the default of its kind");
        assertEquals(java.util.Optional.of(9000L), limits.pluginDeadlineMillis("org.example.slow"));
        assertEquals(java.util.Optional.empty(), limits.pluginDeadlineMillis("other"), "no entry of its own");
        assertEquals(5, limits.overruns("other"));
        assertEquals(1, limits.overruns("org.example.slow"));
        assertEquals(java.util.Optional.of(true), limits.failOpen("org.example.v", "t1"));
        assertEquals(java.util.Optional.of(false), limits.failOpen("org.example.v", "t2"), "the tenant's entry first");
        assertEquals(java.util.Optional.empty(), limits.failOpen("other", "t1"));
        assertEquals(100 * 1024, limits.dataBytes("other"));
        assertEquals(2048 * 1024, limits.dataBytes("org.example.big"));
        assertEquals(CallLimits.DEFAULT, PolicyFile.parse(List.of(), "policy").calls());
        assertMessageHas("write 'deadline <kind> <ms>'", "deadline sometimes 5");
        assertMessageHas("not a deadline in milliseconds", "deadline validator 0");
        assertMessageHas("fail-open|fail-closed", "validation plugin a maybe");
        assertMessageHas("write 'plugin-data plugin", "plugin-data a 5");
    }

    @Test
    void whatAPluginKeepsInTheStoreIsBoundedByDefaultAndPerPlugin() throws Exception {
        StoreLimits none = PolicyFile.parse(List.of(), "policy").calls().stores();
        assertEquals(1000, none.of(StoreLimits.NOTIFICATIONS, "any"));
        assertEquals(64, none.of(StoreLimits.NOTIFICATION_KIB, "any"));
        assertEquals(100, none.of(StoreLimits.JOBS, "any"));
        StoreLimits set = PolicyFile.parse(List.of("notifications default 50", "notifications plugin org.example.busy "
                + "5000", "jobs plugin org.example.busy 1000", "notification-kib default 8"), "policy").calls().stores();
        assertEquals(50, set.of(StoreLimits.NOTIFICATIONS, "other"));
        assertEquals(5000, set.of(StoreLimits.NOTIFICATIONS, "org.example.busy"));
        assertEquals(1000, set.of(StoreLimits.JOBS, "org.example.busy"));
        assertEquals(100, set.of(StoreLimits.JOBS, "other"));
        assertEquals(8, set.of(StoreLimits.NOTIFICATION_KIB, "org.example.busy"));
        assertMessageHas("write 'jobs plugin <symbolic-name> <jobs>' or 'jobs default <jobs>' (default 100)", "jobs a 5");
        assertMessageHas("is not at least 1", "notifications plugin a 0");
    }

    @Test
    void webAssemblyMemoryAndInstancesAreParsedPerPlugin() throws Exception {
        CallLimits limits = PolicyFile.parse(List.of("wasm-memory-pages plugin org.example.wasm 8",
                "wasm-instances plugin org.example.wasm 1"), "policy").calls();
        assertEquals(java.util.OptionalInt.of(8), limits.wasmMemoryPages("org.example.wasm"));
        assertEquals(java.util.OptionalInt.of(1), limits.wasmInstances("org.example.wasm"));
        assertEquals(java.util.OptionalInt.empty(), limits.wasmMemoryPages("other"), "the container's default applies");
        assertEquals(java.util.OptionalInt.empty(), limits.wasmInstances("other"));
        assertMessageHas("write 'wasm-memory-pages plugin <symbolic-name> <pages>'", "wasm-memory-pages default 8");
        assertMessageHas("is not from 1 to 65536", "wasm-memory-pages plugin a 0");
        assertMessageHas("is not from 1 to 64", "wasm-instances plugin a 65");
        assertMessageHas("is not a whole number", "wasm-instances plugin a many");
    }

    @Test
    void revokingAnAmbientPermissionTakesItsScopesAlong(@TempDir Path dir) throws Exception {
        PolicyFile file = new PolicyFile(dir.resolve("policy"));
        Files.write(file.path(), List.of("grant plugin a read:patients use:network lab:443 listen:80 use:files /srv"));
        file.revoke("a", List.of(Permission.USE_NETWORK));
        Policy policy = file.load();
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.USE_FILES.bit(), policy.granted("a", V1, null));
        assertEquals(List.of(), policy.scopes("a", V1, null).connect());
        assertEquals(List.of("/srv"), policy.scopes("a", V1, null).folders());
    }

    @Test
    void everyMistakeIsReportedWithItsLine() {
        assertMessage("policy line 2: unknown permission 'read:patient'", "mode development", "grant plugin a read:patient");
        assertMessage("policy line 1: write 'mode development' or 'mode production'", "mode strict");
        assertMessage("policy line 1: '[1.0' is not a version range", "grant plugin a [1.0 read:patients");
        assertMessage("policy line 1: unknown entry 'allow'", "allow a.b");
        assertMessage("policy line 1: a quote is not closed", "grant signer \"CN=x read:patients");
        assertMessage("policy line 1: name at least one permission", "grant plugin a [1.0,2.0)");
        assertMessage("policy line 2: the mode is set twice", "mode development", "mode production");
        assertMessage("policy line 1: 'com..x' is not a package name", "allow-import com..x");
    }

    private static void assertMessageHas(String part, String... lines) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyFile.parse(List.of(lines), "policy"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertMessage(String start, String... lines) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyFile.parse(List.of(lines), "policy"));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void grantAndRevokeEditTheFileAndKeepComments(@TempDir Path dir) throws Exception {
        PolicyFile file = new PolicyFile(dir.resolve("etc/security/policy"));
        file.createIfMissing();
        file.grant("org.example.labs", List.of(Permission.USE_NETWORK, Permission.USE_FILES));
        file.revoke("org.example.labs", List.of(Permission.USE_NETWORK));
        file.setMode(SecurityMode.PRODUCTION);
        List<String> lines = Files.readAllLines(file.path());
        assertTrue(lines.get(0).startsWith("# Carehost security policy"), lines.toString());
        assertTrue(lines.contains("grant plugin org.example.labs use:files"), lines.toString());
        assertTrue(lines.contains("deny plugin org.example.labs use:network"), lines.toString());
        assertTrue(lines.contains("mode production"), lines.toString());
        Policy policy = file.load();
        assertEquals(Permission.USE_FILES.bit(), policy.granted("org.example.labs", V1, null));
        assertEquals(Permission.USE_NETWORK.bit(), policy.denied("org.example.labs", V1, null));

        file.grant("org.example.labs", List.of(Permission.USE_NETWORK));
        policy = file.load();
        assertEquals(0, policy.denied("org.example.labs", V1, null), "a grant lifts the denial");
        assertTrue(Files.list(file.path().getParent()).allMatch(p -> !p.getFileName().toString().endsWith(".tmp")));
    }
}
