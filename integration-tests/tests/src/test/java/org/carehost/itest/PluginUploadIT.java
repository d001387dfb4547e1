package org.carehost.itest;

import static org.carehost.itest.UploadFiles.makeSigner;
import static org.carehost.itest.UploadFiles.plainJar;
import static org.carehost.itest.UploadFiles.signed;
import static org.carehost.itest.UploadFiles.tampered;
import static org.carehost.itest.UploadFiles.zip;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plugin upload and metrics on the real {@code carehost.jar} (issue 19, items 5, 7 and 8), with the JDK's HTTP client
 * over loopback: oversized, zip-bomb, {@code ../}, absolute-path, not-a-bundle and tampered uploads are refused with
 * problem JSON and change nothing (the plugin list and the kept uploads are the same after); a plugin signed for real
 * (keytool, jarsigner, its certificate in {@code etc/security/trusted/}) is installed and shows its state, signer and
 * declared permissions; a zip of a plugin and its library installs both; {@code /metrics} needs a token and counts
 * the host's call into the uploaded plugin; after a restart without the framework cache (as a new node sharing the
 * database would start) both uploads are installed again from the store; one uninstalled is no longer kept; a store
 * that lost the rows uninstalls nothing (issue 19 review: only a tombstone of the very upload held does). That
 * restart's SSH port is taken: a clear error in the log, and the container runs on without the listener and stops
 * cleanly (a case of {@code RemoteAccessIT}'s, here so that it needs no container of its own).
 */
public class PluginUploadIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String SIGNER = "CN=Carehost Upload Signer,O=Carehost Tests";
    private static final String TICKER = "org.carehost.fixture.uploadticker";
    private static final String ZIPPED = "org.carehost.fixture.catalogplugin";
    private static final long MAX_UPLOAD = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static Path home;
    private static Path work;
    private static Process process;
    private static OutputStream console;
    private static int httpPort;
    private static String adminToken;
    private static String operatorToken;
    private static String auditorToken;

    @BeforeClass
    public static void startWithAccountsAndATrustedSigner() throws Exception {
        home = CarehostProcess.freshHome("upload");
        work = Files.createDirectories(home.resolve("test-files"));
        httpPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc/security/trusted"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        Files.writeString(home.resolve("etc/org.carehost.http.cfg"), "maxUploadBytes=" + MAX_UPLOAD + "\n");
        makeSigner(work, SIGNER, home.resolve("etc/security/trusted/upload-signer.pem"));
        start(true);
        type("user:add --roles admin --password '" + PASSWORD + "' admin1");
        type("user:add --roles operator --password '" + PASSWORD + "' op1");
        type("user:add --roles auditor --password '" + PASSWORD + "' aud1");
        type("user:token --label it admin1");
        type("user:token --label it op1");
        type("user:token --label it aud1");
        type("plugin:grant " + TICKER + " schedule:work");
        List<String> tokens = awaitTokens(3);
        adminToken = tokens.get(0);
        operatorToken = tokens.get(1);
        auditorToken = tokens.get(2);
    }

    @AfterClass
    public static void stop() throws Exception {
        // the end of the script stops the container cleanly, also the start that ran without its SSH listener
        assertEquals(0, stopContainer());
    }

    /** Proves item 8's upload attacks: each refused with its problem, nothing installed, nothing kept. */
    @Test
    public void refusedUploadsChangeNothing() throws Exception {
        String pluginsBefore = pluginNames();
        String uploadsBefore = get("/api/v1/uploads", adminToken).body();

        byte[] oversized = new byte[(int) MAX_UPLOAD + 200_000];
        new java.util.Random(1).nextBytes(oversized);
        assertProblem(upload(oversized, operatorToken, Map.of()), 413, "upload-too-large", "maxUploadBytes");

        assertProblem(upload(zip(Map.of("zeros.bin", new byte[50 * 1024 * 1024])), operatorToken, Map.of()), 422,
                "unsafe-archive", "zip bomb");
        byte[] hello = Files.readAllBytes(CarehostProcess.BUNDLES.resolve("carehost-sample-hello.jar"));
        assertProblem(upload(zip(Map.of("../../deploy/evil.jar", hello)), operatorToken, Map.of()), 422,
                "unsafe-archive", "climbs out of the archive");
        assertProblem(upload(zip(Map.of("/tmp/evil.jar", hello)), operatorToken, Map.of()), 422,
                "unsafe-archive", "absolute path");
        assertProblem(upload(plainJar(), operatorToken, Map.of()), 422, "not-a-bundle", "Bundle-SymbolicName");
        byte[] changed = tampered(signed(work, "carehost-fixture-greeter-v1"));
        assertProblem(upload(changed, operatorToken, Map.of()), 422, "plugin-refused", "changed after signing");

        assertProblem(upload(hello, auditorToken, Map.of()), 403, "forbidden", "aud1 (auditor)");
        assertProblem(upload(hello, null, Map.of()), 401, "unauthorized", "Bearer");
        String cookie = login("op1");
        assertProblem(upload(hello, null, Map.of("Cookie", cookie)), 403, "csrf", "X-CSRF-Token");

        assertEquals("no plugin installed", pluginsBefore, pluginNames());
        assertEquals("no upload kept", uploadsBefore, get("/api/v1/uploads", adminToken).body());
        assertFalse("the traversal wrote nothing", Files.exists(home.resolve("deploy/evil.jar")));
    }

    /**
     * Tryout 16, item 6: a refused upload (its activate throws; it does not resolve) is rolled back by the plugin
     * manager on a lifecycle thread of its own, and that rollback is the upload's own: nothing stays installed or kept,
     * and no warning claims that the plugin will be installed again and must be uninstalled again. The upload's worker
     * runs one thing at a time, so an uninstall of a kept upload forgotten after the refusals (its INFO line) shows
     * that whatever the refusals queued has been done.
     */
    @Test
    public void aRefusedUploadIsRolledBackWithoutAFalseWarning() throws Exception {
        String pluginsBefore = pluginNames();
        int keptBefore = countKept();
        for (String refused : List.of("carehost-fixture-activate-throws.jar", "carehost-fixture-unresolvable.jar")) {
            HttpResponse<String> answer = upload(Files.readAllBytes(CarehostProcess.BUNDLES.resolve(refused)),
                    operatorToken, Map.of());
            assertProblem(answer, 422, "plugin-refused", "Nothing was left installed (uninstalled again: ");
        }
        assertEquals("the refused uploads are rolled back", pluginsBefore, pluginNames());
        assertEquals("and not kept", keptBefore, countKept());

        String greeter = "org.carehost.fixture.greeter";
        HttpResponse<String> kept = upload(Files.readAllBytes(CarehostProcess.BUNDLES.resolve(
                "carehost-fixture-greeter-v1.jar")), operatorToken, Map.of());
        assertEquals(kept.body(), 200, kept.statusCode());
        type("plugin:uninstall " + greeter);
        Path logFile = home.resolve("data/log/carehost.log");
        Await.until("the kept upload's uninstall is forgotten", 30_000, checked(() -> Files.readString(logFile)
                .contains("Uploaded plugin " + greeter + " (upload:")));
        String log = Files.readString(logFile);
        assertTrue(log, log.contains("uninstalled: its jar is no longer kept in the store"));
        assertFalse("a rollback is not an uninstall of an upload never recorded:\n" + log,
                log.contains("before this node recorded which upload it came from"));
        assertEquals(pluginsBefore, pluginNames());
        assertEquals(keptBefore, countKept());
    }

    /**
     * Proves items 5 and 7: a signed upload runs, shows its state, signer and declared permissions, and the host's call
     * into it is counted in /metrics (which needs a token); a zip of a plugin and its library installs both; a start
     * without the framework cache installs both again from the store.
     */
    @Test
    public void uploadsRunAreCountedAndComeBackFromTheStore() throws Exception {
        assertEquals(401, get("/metrics", null).statusCode());
        assertEquals(403, get("/metrics", auditorToken).statusCode());
        String before = metrics();
        // Before any call into a plugin, the call series have no data points yet (Prometheus leaves such families out).
        for (String series : List.of("carehost_plugin_denials_total", "carehost_audit_appended_total",
                "carehost_audit_journal_lag_records",
                "carehost_audit_write_duration_seconds_count", "carehost_store_pool_active_connections",
                "carehost_store_pool_max_connections", "jvm_memory_used_bytes", "jvm_threads_current")) {
            assertTrue(series + " missing from /metrics:\n" + before, before.contains(series));
        }
        assertEquals(0.0, pluginCalls(before), 0.0);
        double auditedBefore = value(before, "carehost_audit_appended_total");

        byte[] ticker = Files.readAllBytes(signed(work, "carehost-fixture-upload-ticker"));
        HttpResponse<String> uploaded = upload(ticker, operatorToken, Map.of());
        assertEquals(uploaded.body(), 200, uploaded.statusCode());
        JsonNode plugin = JSON.readTree(uploaded.body()).get("plugin");
        assertEquals(TICKER, plugin.get("symbolicName").asText());
        assertEquals("ACTIVE", plugin.get("state").asText());
        assertEquals(SIGNER, plugin.get("signer").asText());
        assertEquals("[\"schedule:work\"]", plugin.get("declaredPermissions").toString());
        assertTrue(plugin.get("location").asText().startsWith("upload:"));

        // The ticker schedules one run for now when it starts: the host's call into it is counted.
        Await.until("the call into the uploaded plugin is counted", 30_000,
                checked(() -> pluginCalls(metrics()) >= 1.0));
        String after = metrics();
        for (String series : List.of("carehost_plugin_calls_total", "carehost_plugin_call_failures_total",
                "carehost_plugin_call_timeouts_total", "carehost_plugin_call_duration_seconds_bucket")) {
            assertTrue(series + " missing from /metrics:\n" + after, after.contains(series));
        }
        assertTrue(after, Pattern.compile("carehost_plugin_call_duration_seconds_count\\{[^}]*plugin=\"" + TICKER
                + "\"[^}]*\\} [1-9]").matcher(after).find());
        assertTrue("the upload was audited", value(after, "carehost_audit_appended_total") > auditedBefore);

        byte[] bundleZip = zip(Map.of(
                "plugin/catalog-plugin.jar", Files.readAllBytes(CarehostProcess.BUNDLES.resolve(
                        "carehost-fixture-catalog-plugin.jar")),
                "lib/catalog-lib.jar", Files.readAllBytes(CarehostProcess.BUNDLES.resolve(
                        "carehost-fixture-catalog-lib.jar")),
                "README.txt", "a plugin and its library".getBytes(StandardCharsets.UTF_8)));
        // As curl --data-binary sends it: typed as a form, which the server must not parse.
        HttpResponse<String> zipped = upload("?name=with-library.zip", bundleZip, adminToken,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(zipped.body(), 200, zipped.statusCode());
        JsonNode answer = JSON.readTree(zipped.body());
        assertEquals(ZIPPED, answer.get("plugin").get("symbolicName").asText());
        assertEquals("ACTIVE", answer.get("plugin").get("state").asText());
        assertEquals("org.example.cataloglib", answer.get("libraries").get(0).get("symbolicName").asText());
        assertEquals("the ticker, the zipped plugin and its library are kept", 3, countKept());

        // As a new node sharing the database starts: no framework cache, the same store. This start's SSH port is
        // taken (issue 19: a clear error in the log, and the container runs on without that listener).
        stopContainer();
        try (Stream<Path> cache = Files.walk(home.resolve("data/cache"))) {
            cache.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + taken.getLocalPort() + "\n");
            start(false);
            CarehostProcess.awaitFile(process, home.resolve("data/log/carehost.log"),
                    "SSH shell not started: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        Await.until("both uploads are installed again from the store", 60_000,
                checked(() -> "ACTIVE".equals(state(TICKER)) && "ACTIVE".equals(state(ZIPPED))
                        && "ACTIVE".equals(state("org.example.cataloglib"))));
        assertEquals(3, countKept());
        String log = Files.readString(home.resolve("data/log/carehost.log"));
        assertTrue(log, log.contains("Uploaded plugin " + TICKER + " 1.0.0 (uploaded by op1"));

        // An uploaded plugin uninstalled stays uninstalled: its jar is no longer kept.
        type("plugin:uninstall " + ZIPPED);
        Await.until("the uninstalled plugin's jar is forgotten", 30_000, checked(() -> countKept() == 2));
        assertEquals("none", state(ZIPPED));

        // A store that lost the rows (an older backup restored, another database named): a row's absence uninstalls
        // nothing. The node keeps its uploads, the same bundles with their data, and warns once for each.
        String installed = pluginNames();
        stopContainer();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:h2:file:"
                + home.resolve("data/db/carehost")); java.sql.Statement sql = db.createStatement()) {
            assertEquals(2, sql.executeUpdate("DELETE FROM plugin_upload"));
        }
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        start(false);
        Path logFile = home.resolve("data/log/carehost.log");
        String unknown = "Uploaded plugin " + TICKER + " 1.0.0 (upload:";
        String uninstalled = "uninstalled: it was uninstalled on another node";
        Await.until("the first look decides", 60_000, checked(() -> {
            String text = Files.readString(logFile);
            return text.contains(uninstalled) || text.split("the store knows neither its jar nor its removal", -1)
                    .length - 1 == 2; // the ticker and the library
        }));
        String afterLook = Files.readString(logFile);
        assertFalse(afterLook, afterLook.contains(uninstalled));
        assertTrue(afterLook, afterLook.contains(unknown) && afterLook.contains(") is installed here, but the store "
                + "knows neither its jar nor its removal: it stays installed, with its data. Check that this node's "
                + "database"));
        assertEquals("the same bundles, ids and all", installed, pluginNames());
        assertEquals(0, countKept());
    }

    /** A condition that may fail to ask (the container restarting): false until it answers. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static java.util.function.BooleanSupplier checked(Check check) {
        return () -> {
            try {
                return check.holds();
            } catch (Exception notYet) {
                return false;
            }
        };
    }

    // ---- the container

    /** Starts the container; {@code forLogins}: with the JIT that makes the accounts' password hashes quick. */
    private static void start(boolean forLogins) throws Exception {
        Files.deleteIfExists(home.resolve("stdout.txt"));
        String port = "-Dorg.osgi.service.http.port=" + httpPort;
        process = forLogins ? CarehostProcess.startForLogins(home, CarehostProcess.thisJava(), port)
                : CarehostProcess.start(home, CarehostProcess.thisJava(), port);
        console = process.getOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (get("/api/v1/openapi.json", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("HTTP never answered on " + httpPort + "; stderr:\n"
                    + Files.readString(home.resolve("stderr.txt")),
                    System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    /** Ends the script and waits for the container to stop: its exit status (-1 if it had to be killed or none ran). */
    private static int stopContainer() throws Exception {
        if (process == null) {
            return -1;
        }
        try {
            console.close(); // the end of the script: the container stops
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } finally {
            process = null;
        }
    }

    private static List<String> awaitTokens(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> tokens = new ArrayList<>();
        while (tokens.size() < count) {
            assertTrue("tokens never printed; stdout:\n" + Files.readString(home.resolve("stdout.txt")) + "\nstderr:\n"
                    + Files.readString(home.resolve("stderr.txt")), System.nanoTime() < deadline && process.isAlive());
            tokens = Files.readString(home.resolve("stdout.txt")).lines().filter(l -> l.startsWith("chk_")).toList();
            Thread.sleep(100);
        }
        return tokens;
    }

    private static void type(String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    // ---- what the API says

    private static String pluginNames() throws Exception {
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode plugin : JSON.readTree(get("/api/v1/plugins", adminToken).body())) {
            names.add(plugin.get("id").asLong() + " " + plugin.get("symbolicName").asText() + " "
                    + plugin.get("location").asText());
        }
        return String.join("\n", names);
    }

    private static String state(String symbolicName) throws Exception {
        for (JsonNode plugin : JSON.readTree(get("/api/v1/plugins", adminToken).body())) {
            if (symbolicName.equals(plugin.get("symbolicName").asText())) {
                return plugin.get("state").asText();
            }
        }
        return "none";
    }

    private static int countKept() throws Exception {
        int jars = 0;
        for (JsonNode upload : JSON.readTree(get("/api/v1/uploads", operatorToken).body())) {
            jars += upload.size();
        }
        return jars;
    }

    private static String metrics() throws Exception {
        HttpResponse<String> response = get("/metrics", operatorToken);
        assertEquals(response.body(), 200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    private static double pluginCalls(String metrics) {
        Matcher calls = Pattern.compile("(?m)^carehost_plugin_calls_total\\{[^}]*plugin=\"" + Pattern.quote(TICKER)
                + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        return calls.find() ? Double.parseDouble(calls.group(1)) : 0.0;
    }

    private static double value(String metrics, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(series + " not in\n" + metrics, line.find());
        return Double.parseDouble(line.group(1));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type, String detail)
            throws IOException {
        assertEquals(response.body(), status, response.statusCode());
        assertEquals(response.body(), "application/problem+json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(response.body(), "https://carehost.org/problems/" + type, problem.get("type").asText());
        assertTrue(response.body(), problem.get("detail").asText().contains(detail));
    }

    // ---- HTTP

    private static String login(String user) throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session", HttpRequest.BodyPublishers.ofString(
                "{\"user\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}"), Map.of("Content-Type",
                        "application/json"));
        assertEquals(login.body(), 200, login.statusCode());
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static HttpResponse<String> upload(byte[] body, String token, Map<String, String> headers)
            throws Exception {
        return upload("", body, token, headers);
    }

    private static HttpResponse<String> upload(String query, byte[] body, String token, Map<String, String> headers)
            throws Exception {
        Map<String, String> all = new HashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/octet-stream");
        if (token != null) {
            all.put("Authorization", "Bearer " + token);
        }
        return send("POST", "/api/v1/plugins" + query, HttpRequest.BodyPublishers.ofByteArray(body), all);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(),
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    private static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).method(method, body);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
