package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.carehost.sdk.patient.PatientService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * WebAssembly plugins in the real container: Extism's own test plugins give the results Extism defines
 * ({@code count_vowels} the same JSON as Extism's JavaScript runtime on Node, call after call), and the malicious
 * corpus is contained: a loop stopped by the deadline, memory capped, an unpermitted host import refused before it
 * runs (named by plugin:why, audited), huge and malformed JSON to a host function answered with an error, WASI kept
 * out of /etc; repeated failures quarantine the plugin; the host services keep working throughout. JDK 17 and 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WasmPluginsIT {

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor shell;

    @Inject
    AuditLog audit;

    @Inject
    PatientService patients;

    @Inject
    SecurityAdmin security;

    @Configuration
    public Option[] config() throws IOException {
        java.io.File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path policy = new java.io.File(deploy, "../" + deploy.getName() + "-etc/security/policy").toPath();
        java.nio.file.Files.createDirectories(policy.getParent());
        // The policy's deadline for one plugin, shorter than the module's own (extismsLoopForever... checks it).
        // Memory pages and instances for two more (thePolicyCapsAModulesMemoryAndInstances).
        java.nio.file.Files.writeString(policy, "mode development\ndeadline plugin org.carehost.fixture.wasm.policyloop 250\n"
                + "wasm-memory-pages plugin org.carehost.fixture.wasm.policygrow 3\n"
                + "wasm-instances plugin org.carehost.fixture.wasm.policygrow 1\n"
                + "wasm-memory-pages plugin org.carehost.fixture.wasm.policysmall 1\n"
                + "grant plugin org.carehost.fixture.wasm.files use:files\n");
        return new Option[] {ContainerOptions.hostServices(deploy,
                "jdbc:h2:mem:wasm-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"), ContainerOptions.wasm(),
            CoreOptions.systemProperty("carehost.wasm.tools").value(WasmJars.tools().toString()),
            // the test container logs at DEBUG by default, the JDK HTTP client's every step included (slowly, into the
            // shell session running wasm:call)
            CoreOptions.systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("INFO")};
    }

    private Bundle deploy(String name, String module, String attributes, String permissions) throws Exception {
        Path folder = Fixtures.workFolder("wasm-" + name);
        File jar = WasmJars.jar(folder, "org.carehost.fixture.wasm." + name, "1.0.0", WasmJars.module(module),
                attributes, permissions);
        Bundle bundle = Fixtures.installAsPlugin(context, jar);
        bundle.start();
        return bundle;
    }

    private String call(String plugin, String function, String input) throws Exception {
        return Shell.run(shell, "wasm:call org.carehost.fixture.wasm." + plugin + " " + function + " '" + input + "'")
                .trim();
    }

    private String failingCall(String plugin, String function, String input) throws Exception {
        try {
            String output = call(plugin, function, input);
            throw new AssertionError(plugin + "." + function + " should have failed, but returned " + output);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception expected) {
            return expected.getMessage();
        }
    }

    private void containerUnaffected() {
        assertTrue("the host services still answer", patients.search(PatientQuery.builder().build()).total() >= 0);
    }

    @Test
    public void countVowelsGivesWhatExtismsOwnRuntimeGives() throws Exception {
        deploy("vowels", "code", "instances=1", null);
        String[] inputs = {"Hello World", "Hello World", "aeiou ÄÖÜ åé", "", "xyz", "A".repeat(10_000)};
        List<String> ours = new ArrayList<>();
        for (String input : inputs) {
            ours.add(call("vowels", "count_vowels", input));
        }
        assertEquals("Extism's JavaScript runtime and Carehost, call after call on one instance",
                extismOnNode("code", "count_vowels", inputs), ours);
        assertTrue(ours.get(1), ours.get(1).contains("\"total\":6"));
    }

    /** Runs the inputs through @extism/extism on the system's node, one instance, in order. */
    private static List<String> extismOnNode(String module, String function, String... inputs) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "extism-calls.mjs",
                WasmJars.tools().resolve("extism").resolve(module + ".wasm").toString(), function));
        command.addAll(List.of(inputs));
        Process node = new ProcessBuilder(command).directory(WasmJars.tools().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue("node finished", node.waitFor(60, TimeUnit.SECONDS));
        assertEquals("node's exit status (output: " + out + ")", 0, node.exitValue());
        com.fasterxml.jackson.databind.JsonNode array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        List<String> outputs = new ArrayList<>();
        array.forEach(item -> outputs.add(item.asText()));
        return outputs;
    }

    @Test
    public void extismsLoopForeverIsStoppedByTheDeadline() throws Exception {
        deploy("loop", "loop", "deadline-ms=300", null);
        String error = failingCall("loop", "loop_forever", "");
        java.util.regex.Matcher late = java.util.regex.Pattern.compile("deadline of 300 ms and was stopped ([0-9.]+) ms "
                + "after it").matcher(error);
        assertTrue(error, late.find());
        assertTrue("stopped within 1 s of its deadline: " + error, Double.parseDouble(late.group(1)) < 1000);
        // The policy's 'deadline plugin <name> 250' lowers the module's own deadline (2000 ms, the default here).
        deploy("policyloop", "loop", "", null);
        String byPolicy = failingCall("policyloop", "loop_forever", "");
        assertTrue(byPolicy, byPolicy.contains("deadline of 250 ms"));
        containerUnaffected();
    }

    @Test
    public void extismsUnreachableTrapsCleanly() throws Exception {
        deploy("unreachable", "unreachable", "", null);
        String error = failingCall("unreachable", "do_unreachable", "");
        assertTrue(error, error.contains("trapped"));
        containerUnaffected();
    }

    @Test
    public void aLoopThatKeepsFailingIsQuarantinedAndAudited() throws Exception {
        Bundle spinner = deploy("spin", "spin", "deadline-ms=100;failures=2", null);
        assertTrue(failingCall("spin", "spin", "").contains("deadline"));
        assertTrue(failingCall("spin", "spin", "").contains("deadline"));
        Await.until("the spinner stopped", 10_000, () -> spinner.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + spinner.getBundleId());
        assertTrue(why, why.contains("quarantined") && why.contains("2 WebAssembly calls in a row"));
        awaitDenied(spinner.getSymbolicName(), "quarantined");
        containerUnaffected();
    }

    @Test
    public void memoryStopsGrowingAtItsCap() throws Exception {
        deploy("grow", "grow", "memory-pages=4", null);
        assertEquals("pages held when the host refused more", "4", call("grow", "grow", ""));
        String error = failingCall("grow", "grow_and_trap", "");
        assertTrue(error, error.contains("trapped"));
        containerUnaffected();
    }

    /**
     * The policy's 'wasm-memory-pages plugin' lowers a module's memory below the container's default (256 pages): it
     * stops growing there, and a module that starts with more is refused, named by plugin:why. Its 'wasm-instances
     * plugin' lowers the pool.
     */
    @Test
    public void thePolicyCapsAModulesMemoryAndInstances() throws Exception {
        deploy("policygrow", "grow", "", null);
        assertEquals("pages held when the policy's cap refused more", "3", call("policygrow", "grow", ""));
        String error = failingCall("policygrow", "grow_and_trap", "");
        assertTrue(error, error.contains("trapped"));
        String list = Shell.run(shell, "wasm:list");
        assertTrue(list, list.lines().anyMatch(line -> line.contains("org.carehost.fixture.wasm.policygrow")
                && line.contains("3 pages") && line.contains(" 1 instances")));
        Bundle large = deploy("policysmall", "code", "", null); // Extism's code.wasm starts with 17 pages
        Await.until("the plugin over the policy's memory stopped", 10_000, () -> large.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + large.getBundleId());
        assertTrue(why, why.contains("pages of memory, over its limit of 1")
                && why.contains("wasm-memory-pages plugin org.carehost.fixture.wasm.policysmall 1"));
        containerUnaffected();
    }

    /**
     * A module whose tables would hold more than 100,000 entries is refused before an instance is made, named by
     * plugin:why (red team 17: 74 tables of 10,000,000 entries, made at once on the heap, stopped the container).
     */
    @Test
    public void aModuleWithHugeTablesIsRefusedBeforeAnInstanceIsMade() throws Exception {
        Bundle tables = deploy("tables", "tables", "", null);
        Await.until("the plugin with huge tables stopped", 10_000, () -> tables.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + tables.getBundleId());
        assertTrue(why, why.contains("is refused: its 2 tables start with 120000 entries or more, over the "
                + "100000 a module's tables may hold in all"));
        containerUnaffected();
    }

    /**
     * Red team 18: a function with 50,000 i64 locals, too many for a JVM method, was interpreted, each call deep a frame
     * of 400 KB on the heap: its recursion held about 1 GB per call. A function Chicory cannot compile is now refused
     * as the plugin starts. The module is written byte by byte (its text form would list 50,000 locals).
     */
    @Test
    public void aFunctionTooLargeToCompileIsRefusedAsThePluginStarts() throws Exception {
        byte[] module = {0, 'a', 's', 'm', 1, 0, 0, 0,
            1, 5, 1, 0x60, 0, 1, 0x7f, // type section: () -> i32
            3, 2, 1, 0, // function section: one function of that type
            5, 3, 1, 0, 1, // memory section: one page
            7, 16, 2, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 3, 'r', 'u', 'n', 0, 0, // exports: memory, run
            // code section: one body, 50,000 i64 locals (LEB128 d0 86 03), then i32.const 0, end
            10, 10, 1, 8, 1, (byte) 0xd0, (byte) 0x86, 3, 0x7e, 0x41, 0, 0x0b};
        Path folder = Fixtures.workFolder("wasm-locals");
        Bundle plugin = Fixtures.installAsPlugin(context, WasmJars.jar(folder, "org.carehost.fixture.wasm.locals",
                "1.0.0", module, "", null));
        plugin.start();
        Await.until("the plugin whose function cannot be compiled stopped", 30_000,
                () -> plugin.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + plugin.getBundleId());
        assertTrue(why, why.contains("is refused: it cannot be compiled to JVM bytecode"));
        String error = failingCall("locals", "run", "");
        assertTrue(error, error.contains("No running WebAssembly plugin"));
        containerUnaffected();
    }

    /**
     * Red team 19: a module of 60 MB of {@code nop}s, within the size bound, filled the heap as Chicory parsed it (an
     * object per instruction), at every start. Code that would take more than a quarter of the heap once parsed is
     * refused before the parser sees it; this one is sized from this JVM's heap.
     */
    @Test
    public void codeThatWouldFillTheHeapOnceParsedIsRefusedBeforeParsing() throws Exception {
        long nops = Runtime.getRuntime().maxMemory() / 4 / 64 + (1 << 20);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(0); // no locals
        for (long i = 0; i < nops; i++) {
            body.write(0x01); // nop
        }
        body.write(0x41); // i32.const 0
        body.write(0);
        body.write(0x0b); // end
        java.io.ByteArrayOutputStream code = new java.io.ByteArrayOutputStream();
        code.write(1);
        leb(code, body.size());
        body.writeTo(code);
        java.io.ByteArrayOutputStream module = new java.io.ByteArrayOutputStream();
        module.write(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 5, 3, 1, 0, 1,
            7, 16, 2, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 3, 'r', 'u', 'n', 0, 0});
        module.write(10);
        leb(module, code.size());
        code.writeTo(module);
        Path folder = Fixtures.workFolder("wasm-nops");
        Bundle plugin = Fixtures.installAsPlugin(context, WasmJars.jar(folder, "org.carehost.fixture.wasm.nops",
                "1.0.0", module.toByteArray(), "", null));
        plugin.start();
        Await.until("the plugin with too much code stopped", 30_000, () -> plugin.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + plugin.getBundleId());
        assertTrue(why, why.contains("MiB of the heap once parsed"));
        containerUnaffected();
    }

    private static void leb(java.io.ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
    }

    /**
     * Red team 19: the Extism kernel (a WebAssembly instance of the SDK's own, holding input, output and the module's
     * allocations) had no memory limit, and a module's alloc of 256 MiB a time took about 1 GB of heap within a call.
     * Its memory is held to the module's limit plus the largest input and output: a small allocation is given, a large
     * one answers 0.
     */
    @Test
    public void theExtismKernelsAllocationsAreBounded() throws Exception {
        deploy("alloc", "alloc", "", null);
        call("alloc", "small", ""); // fails the test if alloc refused 1 KiB
        call("alloc", "big", ""); // fails the test if alloc gave 256 MiB
        containerUnaffected();
    }

    @Test
    public void anUnpermittedHostImportIsRefusedBeforeItRuns() throws Exception {
        Bundle thief = deploy("unpermitted", "unpermitted", "", null);
        Await.until("the plugin stopped", 10_000, () -> thief.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + thief.getBundleId());
        assertTrue(why, why.contains("carehost/patient_get") && why.contains("read:patients"));
        String error = failingCall("unpermitted", "steal", "");
        assertTrue(error, error.contains("No running WebAssembly plugin"));
        awaitDenied(thief.getSymbolicName(), "carehost/patient_get");
        containerUnaffected();
    }

    /**
     * A module keeps documents of its own through the host's plugin data service (in the session's tenant, versioned,
     * audited in its name); without {@code store:plugin-data} it is refused for the import, named by plugin:why.
     */
    @Test
    public void aModuleKeepsItsOwnDocumentsThroughTheHostOnlyWithThePermission() throws Exception {
        deploy("data", "data", "", "store:plugin-data");
        assertEquals("none", call("data", "get", "reminders/1"));
        String put = call("data", "put", "{\"key\":\"reminders/1\",\"document\":{\"due\":\"tomorrow\"},"
                + "\"expectedVersion\":0}");
        assertTrue(put, put.contains("\"version\":1"));
        String got = call("data", "get", "reminders/1");
        assertTrue(got, got.contains("\"document\":{\"due\":\"tomorrow\"}") && got.contains("\"version\":1"));
        String stale = call("data", "put", "{\"key\":\"reminders/1\",\"document\":{\"due\":\"never\"},"
                + "\"expectedVersion\":0}");
        assertTrue(stale, stale.contains("\"kind\":\"conflict\""));
        String notJson = call("data", "put", "{\"key\":\"reminders/2\",\"document\":\"text\",\"expectedVersion\":0}");
        assertTrue(notJson, notJson.contains("\"kind\":\"invalid\""));
        assertTrue(call("data", "keys", "{\"prefix\":\"reminders/\"}").contains("\"keys\":[\"reminders/1\"]"));
        assertTrue(call("data", "delete", "{\"key\":\"reminders/1\",\"expectedVersion\":1}").contains("\"deleted\":true"));
        assertEquals("none", call("data", "get", "reminders/1"));

        Bundle without = deploy("nodata", "data", "", null);
        Await.until("the plugin without store:plugin-data stopped", 10_000, () -> without.getState() != Bundle.ACTIVE);
        String why = Shell.run(shell, "plugin:why " + without.getBundleId());
        assertTrue(why, why.contains("carehost/data_") && why.contains("store:plugin-data"));
        containerUnaffected();
    }

    @Test
    public void hugeOrMalformedJsonToAHostFunctionGetsAnError() throws Exception {
        deploy("hostjson", "hostjson", "", "read:patients");
        String malformed = call("hostjson", "relay", "{not json");
        assertTrue(malformed, malformed.contains("\"kind\":\"invalid\"") && malformed.contains("not valid JSON"));
        String huge = call("hostjson", "huge", "");
        assertTrue(huge, huge.contains("\"kind\":\"too-large\""));
        String good = call("hostjson", "relay", "{\"limit\":2}");
        assertTrue(good, good.contains("\"total\":") && good.contains("\"items\":["));
        containerUnaffected();
    }

    /**
     * A revoke refreshes the plugin (the security manager's reconciler); until then a host call is denied by the
     * service itself, after it the module is refused for its import. Either way nothing is read, and it is audited.
     */
    @Test
    public void aPermissionRevokedWhileItRunsIsDeniedThenTheModuleIsRefused() throws Exception {
        Bundle plugin = deploy("revoked", "hostjson", "", "read:patients");
        assertTrue(call("revoked", "relay", "{\"limit\":1}").contains("\"items\":["));
        security.revoke(plugin.getSymbolicName(), List.of(Permission.READ_PATIENTS));
        String answer;
        try {
            answer = call("revoked", "relay", "{\"limit\":1}");
        } catch (Exception refusedAlready) {
            answer = refusedAlready.getMessage();
        }
        assertTrue(answer, answer.contains("\"kind\":\"denied\"") && answer.contains("read:patients")
                || answer.contains("No running WebAssembly plugin"));
        Await.until("the refreshed plugin refused for its import", 20_000, () -> {
            try {
                String why = Shell.run(shell, "plugin:why " + plugin.getBundleId());
                return plugin.getState() != Bundle.ACTIVE && why.contains("carehost/patient_search")
                        && why.contains("read:patients");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitDenied(plugin.getSymbolicName(), "carehost/patient_search");
        containerUnaffected();
    }

    @Test
    public void wasiHasNoFolderToOpen() throws Exception {
        deploy("etc", "wasi-etc", "", null);
        assertEquals("EBADF: there is no preopened folder", "08", call("etc", "read_etc", ""));
    }

    /**
     * Extism's HTTP function runs as done for the plugin: the run-time agent decides the connection by the plugin's
     * own grant (use:network narrowed to one host:port), not as the container bundle that runs Chicory. The named
     * port is reached; another is refused before any connection (its listener's first connection is the test's own),
     * audited as DENIED in the plugin's name.
     */
    @Test
    public void extismsHttpFunctionIsDecidedByThePluginsNetworkGrant() throws Exception {
        String name = "org.carehost.fixture.wasm.http";
        Path policy = java.nio.file.Paths.get(context.getProperty("carehost.security.policy"));
        String before = java.nio.file.Files.readString(policy);
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        try (java.net.ServerSocket allowed = new java.net.ServerSocket(0, 50, loopback);
                java.net.ServerSocket other = new java.net.ServerSocket(0, 50, loopback)) {
            java.nio.file.Files.writeString(policy, before + "\ngrant plugin " + name + " use:network 127.0.0.1:"
                    + allowed.getLocalPort() + "\n");
            security.grant(name, List.of(Permission.USE_NETWORK)); // an edit reloads the policy before it returns
            Bundle plugin = deploy("http", "http", "", "use:network");
            Await.until("use:network granted", 30_000, () -> security.report(plugin).granted().contains("use:network"));

            // the first request in this JVM loads the JDK client's classes, which on a loaded machine may outlast the
            // deadline (delivered when the request returns): the connection is asserted, the call's outcome not
            serve(allowed, fetch(allowed.getLocalPort())).get(30, TimeUnit.SECONDS);
            String output = serve(allowed, fetch(allowed.getLocalPort())).get(30, TimeUnit.SECONDS);
            if (output.lines().noneMatch("hello, wasm"::equals)) {
                fail(output + "\n" + httpClientState(name));
            }

            int otherPort = other.getLocalPort();
            String refused = failingCall("http", "fetch", "{\"url\":\"http://127.0.0.1:" + otherPort + "/\"}");
            assertTrue(refused, refused.contains("was refused") && refused.contains("connect to 127.0.0.1:" + otherPort
                    + ", which its grant does not name"));
            awaitDenied(name, "connect to 127.0.0.1:" + otherPort);
            assertFirstConnectionIsOurs(other);
        } finally {
            java.nio.file.Files.writeString(policy, before);
            security.revoke(name, List.of(Permission.USE_NETWORK)); // reloads the policy: the plugin keeps no network
        }
        containerUnaffected();
    }

    /**
     * For a failure's message: the plugin's refusals, and where the threads of a request are (the calling thread,
     * in GuestHttp, and the requests' deadline thread).
     */
    private String httpClientState(String plugin) {
        StringBuilder state = new StringBuilder("refusals: ");
        security.denials(50).stream().filter(d -> d.plugin().equals(plugin)).forEach(d -> state.append(d.reason())
                .append("; "));
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            boolean inRequest = java.util.Arrays.stream(stack).anyMatch(frame -> frame.getClassName()
                    .startsWith("org.carehost.wasm.internal.GuestHttp"));
            if (inRequest || thread.getName().startsWith("carehost-wasm-http")) {
                state.append("\n").append(thread.getName()).append(' ').append(thread.getState());
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    state.append("\n    at ").append(stack[i]);
                }
            }
        });
        return state.toString();
    }

    /** The http plugin's "fetch" of http://127.0.0.1:port/hello, called on another thread. */
    private java.util.concurrent.CompletableFuture<String> fetch(int port) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return call("http", "fetch", "{\"url\":\"http://127.0.0.1:" + port + "/hello\",\"method\":\"GET\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Answers the fetch's request on the listener ("hello, wasm"), after checking it is the fetch's; its call. */
    private java.util.concurrent.CompletableFuture<String> serve(java.net.ServerSocket listener,
            java.util.concurrent.CompletableFuture<String> fetched) throws Exception {
        try (java.net.Socket arrived = accept(listener, fetched)) {
            arrived.setSoTimeout(20_000);
            String request = headers(arrived);
            assertTrue(request, request.startsWith("GET /hello HTTP/1.1"));
            arrived.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                    + "hello, wasm").getBytes(StandardCharsets.US_ASCII));
            arrived.getOutputStream().flush();
            // closed once the call is over (the client reads the whole answer before it sees the end of the stream)
            try {
                return java.util.concurrent.CompletableFuture.completedFuture(fetched.handle((output, e) -> e == null
                        ? output : String.valueOf(e)).get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the call did not end within 30 s of its answer: "
                        + httpClientState("org.carehost.fixture.wasm.http"));
            }
        }
    }

    /** The next connection to the listener, failing at once with the call's error if the call ended without one. */
    private static java.net.Socket accept(java.net.ServerSocket listener,
            java.util.concurrent.CompletableFuture<String> call) throws Exception {
        listener.setSoTimeout(200);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return listener.accept();
            } catch (java.net.SocketTimeoutException notYet) {
                if (call.isDone()) {
                    throw new AssertionError("the call ended without connecting: " + call.handle((out, e) ->
                            e != null ? String.valueOf(e) : "output " + out).get());
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("no connection within 30 s");
                }
            }
        }
    }

    /** The request line and headers, up to the blank line. */
    private static String headers(java.net.Socket socket) throws IOException {
        StringBuilder text = new StringBuilder();
        java.io.InputStream in = socket.getInputStream();
        while (!text.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
        }
        return text.toString();
    }

    private static void assertFirstConnectionIsOurs(java.net.ServerSocket listener) throws IOException {
        byte[] marker = "the-test's-own".getBytes(StandardCharsets.US_ASCII);
        try (java.net.Socket own = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort())) {
            own.getOutputStream().write(marker);
            listener.setSoTimeout(10_000);
            try (java.net.Socket first = listener.accept()) {
                first.setSoTimeout(10_000);
                assertEquals("the first connection the listener sees is the test's own",
                        new String(marker, StandardCharsets.US_ASCII),
                        new String(first.getInputStream().readNBytes(marker.length), StandardCharsets.US_ASCII));
            }
        }
    }

    /**
     * With use:files, WASI preopens the plugin's own folder (data/plugins/&lt;name&gt;/) and nothing else: a module
     * writes and reads a file there; '..', an absolute path and a symbolic link out of the folder reach nothing. WASI
     * runs as done for the plugin, so the agent checks each file too: the link is refused by it (EACCES to the module,
     * audited as DENIED).
     */
    @Test
    public void useFilesPreopensThePluginsOwnFolderAndNothingElse() throws Exception {
        Bundle plugin = deploy("files", "files", "", "use:files");
        Path own = java.nio.file.Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath()
                .resolve(plugin.getSymbolicName());
        assertEquals("ok", call("files", "write", "note.txt"));
        assertEquals("written by wasm", java.nio.file.Files.readString(own.resolve("note.txt")));
        assertEquals("written by wasm", call("files", "read", "note.txt"));

        java.nio.file.Files.writeString(own.resolveSibling("beside.txt"), "not the plugin's");
        assertTrue(call("files", "read", "../beside.txt").startsWith("errno "));
        assertTrue(call("files", "write", "../escaped.txt").startsWith("errno "));
        assertTrue("nothing written beside its folder", !java.nio.file.Files.exists(own.resolveSibling("escaped.txt")));
        assertTrue(call("files", "read", "/etc/passwd").startsWith("errno "));
        assertTrue(call("files", "read", "sub/../../beside.txt").startsWith("errno "));

        Path outside = Fixtures.workFolder("wasm-outside");
        java.nio.file.Files.writeString(outside.resolve("secret.txt"), "outside");
        java.nio.file.Files.deleteIfExists(own.resolve("link"));
        java.nio.file.Files.createSymbolicLink(own.resolve("link"), outside);
        assertEquals("the agent refused the file behind the link", "errno 02", call("files", "read", "link/secret.txt"));
        assertEquals("errno 02", call("files", "write", "link/planted.txt"));
        assertTrue("nothing written through the link", !java.nio.file.Files.exists(outside.resolve("planted.txt")));
        awaitDenied(plugin.getSymbolicName(), "outside its folder");
        containerUnaffected();
    }

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void theSampleValidatorIsTheHostsValidatorAndAsksTheHost() throws Exception {
        Bundle sample = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile(
                "carehost-sample-wasm-patient-validator"));
        sample.start();
        Patient registered = patients.create(Patient.builder()
                .addIdentifier(new Identifier("urn:mrn", "MRN-WASM-" + System.nanoTime(), "MR"))
                .addName(new HumanName("official", "Wasm", List.of("Ada"))).birthDate(LocalDate.of(1990, 1, 2))
                .build());
        Await.until("the sample's Validator service", 20_000,
                () -> Fixtures.hasService(context, "(&(objectClass=org.carehost.sdk.plugin.Validator)(resource=Patient)"
                        + "(carehost.wasm.module=plugin.wasm))"));
        ServiceReference<Validator> reference = context.getServiceReferences(Validator.class,
                "(carehost.wasm.module=plugin.wasm)").iterator().next();
        assertEquals("registered in the plugin's own name", sample.getBundleId(), reference.getBundle().getBundleId());
        String list = Shell.run(shell, "plugin:list");
        assertTrue(list, list.lines().anyMatch(line -> line.contains("org.carehost.sample.wasmvalidator")
                && line.contains("wasm validator")));
        Validator<Patient> validator = context.getService(reference);
        try {
            assertEquals(Patient.class, validator.resourceType());
            List<ValidationIssue> noBirthDate = validator.validate(Patient.builder()
                    .addName(new HumanName("official", "Nobody", List.of("No"))).build());
            assertEquals(noBirthDate.toString(), 1, noBirthDate.size());
            assertEquals(noBirthDate.toString(), "Patient.birthDate", noBirthDate.get(0).path());
            List<ValidationIssue> duplicate = validator.validate(Patient.builder()
                    .addIdentifier(registered.identifiers().get(0)).birthDate(LocalDate.of(2000, 3, 4)).build());
            assertEquals(duplicate.toString(), 1, duplicate.size());
            assertTrue(duplicate.toString(), duplicate.get(0).message().contains("already registered"));
            assertEquals(List.of(), validator.validate(Patient.builder()
                    .addIdentifier(new Identifier("urn:mrn", "MRN-NEW-" + System.nanoTime(), "MR"))
                    .birthDate(LocalDate.of(2000, 3, 4)).build()));
        } finally {
            context.ungetService(reference);
        }
    }

    @Test
    public void aReplacedPluginFinishesCallsInFlightAndTakesNewOnesWithoutAFailure() throws Exception {
        Path folder = Fixtures.workFolder("wasm-reload");
        Bundle plugin = Fixtures.installAsPlugin(context, WasmJars.jar(folder, "org.carehost.fixture.wasm.reload",
                "1.0.0", WasmJars.module("reload-v1"), "deadline-ms=20000", null));
        plugin.start();
        assertEquals("v1", call("reload", "version", ""));
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // the slow call lasts 1.5 s (under the container's 2 s WebAssembly deadline, which a plugin may only lower): one
            // that ended before a look saw it in flight (a stalled test thread) is made again
            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<String>> slow =
                    new java.util.concurrent.atomic.AtomicReference<>(callers.submit(() -> call("reload", "slow", "")));
            Await.until("the slow call in flight", 60_000, () -> {
                try {
                    if (Shell.run(shell, "wasm:list").contains("inFlight=1")) {
                        return true;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                if (slow.get().isDone()) {
                    slow.set(callers.submit(() -> call("reload", "slow", "")));
                }
                return false;
            });
            java.util.concurrent.Future<String> inFlight = slow.get();
            java.util.concurrent.atomic.AtomicBoolean swapped = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.Future<List<String>> meanwhile = callers.submit(() -> {
                List<String> answers = new ArrayList<>();
                while (!swapped.get() || answers.isEmpty() || !answers.get(answers.size() - 1).equals("v2")) {
                    answers.add(call("reload", "version", "")); // throws, failing the test, if a call fails
                }
                return answers;
            });
            File v2 = WasmJars.jar(folder, "org.carehost.fixture.wasm.reload", "2.0.0", WasmJars.module("reload-v2"),
                    "deadline-ms=20000", null);
            try (java.io.InputStream in = new java.io.FileInputStream(v2)) {
                plugin.update(in);
            }
            swapped.set(true);
            try {
                assertEquals("the call in flight finished on the old module", "v1", inFlight.get(30, TimeUnit.SECONDS));
                List<String> answers = meanwhile.get(30, TimeUnit.SECONDS);
                assertEquals(answers.toString(), "v2", answers.get(answers.size() - 1));
                assertTrue(answers.toString(), answers.stream().allMatch(a -> a.equals("v1") || a.equals("v2")));
                assertEquals("new calls go to the new module", "v2", call("reload", "version", ""));
            } catch (Throwable failed) {
                // seen once in CI (JDK 25): the new revision never came up; what the container knew of it then
                throw new AssertionError(failed + "\nplugin state " + plugin.getState() + ", version "
                        + plugin.getVersion() + "\n" + shellSays("plugin:why " + plugin.getBundleId()) + "\n"
                        + shellSays("wasm:list"), failed);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** What the shell answers, or why it could not: for a failure's message. */
    private String shellSays(String command) {
        try {
            return command + ":\n" + Shell.run(shell, command);
        } catch (Exception e) {
            return command + ": " + e;
        }
    }

    @Test
    public void aBareWasmFileWithItsJsonBecomesAPlugin() throws Exception {
        // a second deploy folder watched by FileInstall for .wasm files, as carehost.jar's runtime.bndrun sets its own
        Path folder = Fixtures.workFolder("wasm-bare");
        ServiceReference<ConfigurationAdmin> cm = context.getServiceReference(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration watcher = context.getService(cm).getFactoryConfiguration("org.apache.felix.fileinstall", "wasm",
                "?");
        java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>();
        properties.put("felix.fileinstall.dir", folder.toString());
        properties.put("felix.fileinstall.filter", ".*\\.wasm");
        properties.put("felix.fileinstall.poll", "50");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.start.level", "60");
        properties.put("felix.fileinstall.bundles.new.start", "true");
        watcher.update(properties);
        try {
            java.nio.file.Files.writeString(folder.resolve("bare-relay.json"),
                    "{\"version\":\"1.2.3\",\"permissions\":[\"read:patients\"],\"deadline-ms\":800}");
            java.nio.file.Files.write(folder.resolve(".bare-relay.tmp"), WasmJars.module("hostjson"));
            java.nio.file.Files.move(folder.resolve(".bare-relay.tmp"), folder.resolve("bare-relay.wasm"));
            Await.until("bare-relay installed and active", 30_000, () -> Fixtures.installed(context, "bare-relay")
                    .map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
            Bundle bare = Fixtures.bundle(context, "bare-relay");
            assertEquals("1.2.3", bare.getVersion().toString());
            assertEquals("read:patients", bare.getHeaders("").get("Carehost-Permissions"));
            String answer = Shell.run(shell, "wasm:call bare-relay relay '{\"limit\":1}'");
            assertTrue(answer, answer.contains("\"items\":["));
            String list = Shell.run(shell, "wasm:list");
            assertTrue(list, list.contains("bare-relay") && list.contains("800 ms per call"));
            // plugin:update without a jar reads the .wasm again (it answered "bare-relay.wasm is not a valid jar")
            long before = bare.getLastModified();
            ServiceReference<org.carehost.plugins.PluginManager> manager =
                    context.getServiceReference(org.carehost.plugins.PluginManager.class);
            try {
                org.carehost.plugins.PluginInfo updated = context.getService(manager).update("bare-relay", null);
                assertTrue("read again and wrapped anew", bare.getLastModified() > before);
                assertEquals("1.2.3", updated.version());
            } finally {
                context.ungetService(manager);
            }
            Await.until("bare-relay active again", 30_000, () -> bare.getState() == Bundle.ACTIVE);
        } finally {
            watcher.delete();
            context.ungetService(cm);
        }
    }

    private void awaitDenied(String plugin, String reasonPart) throws InterruptedException {
        Await.until("a denial of " + plugin + " (" + reasonPart + ") in the audit trail", 10_000, () -> {
            for (AuditRecord record : audit.query(new AuditQuery(null, plugin, null, AuditOutcome.DENIED, null, null,
                    0, 200)).items()) {
                if (String.valueOf(record.reason()).contains(reasonPart)) {
                    return true;
                }
            }
            return false;
        });
    }

    static void assertPresent(Object value) {
        assertNotNull(value);
        if (value instanceof String && ((String) value).isBlank()) {
            fail("blank");
        }
    }
}
