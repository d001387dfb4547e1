package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real {@code carehost.jar} reached from outside (issue 19, items 3, 4 and 8): the local console makes the accounts,
 * then the OpenSSH client logs in with an ed25519 key and runs a command, and the JDK's HTTP client uses the admin API
 * with a bearer token and with a session cookie and its CSRF token. Loopback and free ports only.
 */
public class RemoteAccessIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_STORE_PASSWORD = "test-key-store-password";

    private static Process process;
    private static OutputStream console;
    private static Path home;
    private static int httpPort;
    private static int sshPort;
    private static int httpsPort;
    private static Path keyStore;
    private static String adminToken;
    private static String auditorToken;
    private static String auditorTotp;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeClass
    public static void startTheContainerAndMakeAccounts() throws Exception {
        home = CarehostProcess.freshHome("remote");
        httpPort = LoopbackPorts.free();
        sshPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\npasswordLogin=true\n");
        // refusals (401, 403, failed logins): 10 per address written one by one per 3-second window, the rest summed up
        Files.writeString(home.resolve("etc/org.carehost.operators.cfg"), "refusalsPerAddress=10\nrefusalWindowSeconds=3\n");
        // the samples' catalog the build publishes beside carehost.jar (target/catalog), for the catalog over HTTP
        Files.writeString(home.resolve("etc/org.carehost.catalog-samples.cfg"), "url=" + CarehostProcess.JAR
                .toAbsolutePath().getParent().resolve("catalog/index.xml").toUri() + "\ntrust=*\n");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "admin1@test", "-f", home.resolve("id_ed25519").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "aud1@test", "-f", home.resolve("aud_ed25519").toString());
        String publicKey = Files.readString(home.resolve("id_ed25519.pub")).strip();
        String auditorKey = Files.readString(home.resolve("aud_ed25519.pub")).strip();
        // TLS beside plain HTTP (etc/org.carehost.http.listener.cfg) with a PKCS#12 key store (a self-signed EC key for
        // 127.0.0.1) under etc/security/
        httpsPort = LoopbackPorts.free();
        Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "httpsEnabled=true\nhttpsPort=" + httpsPort
                + "\nkeyStore=https.p12\nkeyStorePassword=" + KEY_STORE_PASSWORD + "\n");
        keyStore = Files.createDirectories(home.resolve("etc/security")).resolve("https.p12");
        run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "carehost",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD,
                "-keypass", KEY_STORE_PASSWORD);
        process = CarehostProcess.startForLogins(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + httpPort);
        console = process.getOutputStream();
        type("user:add --roles admin --password '" + PASSWORD + "' admin1");
        type("user:add --roles operator --password '" + PASSWORD + "' op1");
        type("user:add --roles auditor --password '" + PASSWORD + "' aud1");
        type("user:key-add admin1 " + publicKey);
        type("user:key-add aud1 " + auditorKey);
        type("user:token --label it admin1");
        type("user:token --label it aud1");
        type("user:totp aud1");
        List<String> tokens = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (tokens.size() < 2) {
            assertTrue("tokens never printed; stdout:\n" + Files.readString(home.resolve("stdout.txt")) + "\nstderr:\n"
                    + Files.readString(home.resolve("stderr.txt")), System.nanoTime() < deadline && process.isAlive());
            tokens = Files.readString(home.resolve("stdout.txt")).lines().filter(l -> l.startsWith("chk_")).toList();
            Thread.sleep(100);
        }
        adminToken = tokens.get(0);
        auditorToken = tokens.get(1);
        while (auditorTotp == null) {
            assertTrue("the TOTP secret never printed", System.nanoTime() < deadline && process.isAlive());
            auditorTotp = Files.readString(home.resolve("stdout.txt")).lines().filter(l -> l.startsWith("secret "))
                    .map(l -> l.substring(7).strip()).findFirst().orElse(null);
            Thread.sleep(100);
        }
        // The API answers once Felix HTTP has taken its configuration from etc/.
        while (true) {
            try {
                HttpResponse<String> response = get("/api/v1/openapi.json", null);
                if (response.statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("HTTP never answered on " + httpPort, System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
        // And HTTPS: Felix HTTP has the listener configuration (it restarts its listeners when that arrives), and the
        // servlets are registered on them.
        HttpClient https = HttpClient.newBuilder().sslContext(trusting()).connectTimeout(Duration.ofSeconds(10)).build();
        while (true) {
            try {
                // 404 until the whiteboard has registered the servlets again on the restarted listeners
                if (https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/health/live"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (java.net.ConnectException notYet) {
                // not listening yet
            }
            assertTrue("HTTPS never answered on " + httpsPort, System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    /** TLS that trusts the container's certificate (the test's key store) alone. */
    private static javax.net.ssl.SSLContext trusting() throws Exception {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            trusted.load(in, KEY_STORE_PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    @AfterClass
    public static void stop() throws Exception {
        if (process != null) {
            console.close(); // the end of the script: the container stops
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Proves the README's one-off SSH command with OpenSSH's own client and an ed25519 key (item 3). */
    @Test
    public void openSshRunsAOneOffCommand() throws Exception {
        Process ssh = new ProcessBuilder("ssh", "-p", String.valueOf(sshPort), "-i", home.resolve("id_ed25519").toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "admin1@127.0.0.1", "plugin:list").redirectErrorStream(false).start();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(ssh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out + err, 0, ssh.exitValue());
        assertTrue(out, out.contains("org.carehost.sample.hello"));
        // Where operators log in (the interactive console's greeting runs the same command): SSH, HTTP and HTTPS.
        Process listeners = ssh("id_ed25519", "admin1", "carehost:listeners");
        String where = new String(listeners.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(listeners.waitFor(60, TimeUnit.SECONDS));
        assertTrue(where, where.contains("ssh://127.0.0.1:" + sshPort) && where.contains(":" + httpPort + "/api/v1")
                && where.contains("https://") && where.contains(":" + httpsPort + "/api/v1"));
        Process stranger = new ProcessBuilder("ssh", "-p", String.valueOf(sshPort), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no",
                "admin1@127.0.0.1", "plugin:list").start();
        stranger.getInputStream().readAllBytes();
        assertTrue(stranger.waitFor(60, TimeUnit.SECONDS));
        assertEquals("no key, no password: refused", 255, stranger.exitValue());
    }

    /** Proves item 3's refusal: an auditor's plugin:stop over SSH fails with a clear message and exit status 1. */
    @Test
    public void anAuditorMayNotStopAPluginOverSsh() throws Exception {
        Process ssh = ssh("aud_ed25519", "aud1", "plugin:stop org.carehost.sample.hello");
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(ssh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out + err, 1, ssh.exitValue());
        assertTrue(err, err.contains("Refused: aud1 (auditor) may not run plugin:stop; it needs the role admin or operator"));
        assertTrue(get("/api/v1/plugins/org.carehost.sample.hello", adminToken).body().contains("\"ACTIVE\""));
    }

    /**
     * Gogo opens a redirection's file itself, with the container's rights, and {@code < file} alone prints it with no
     * command at all: an auditor read the data key and wrote the policy this way, and listed any folder by globbing;
     * and {@code audit:export --out} replaced any file. Each is refused now, and nothing is read or written.
     */
    @Test
    public void anAuditorCannotReadOrWriteFilesThroughTheShell() throws Exception {
        String policyBefore = Files.readString(home.resolve("etc/security/policy"));
        String[][] attempts = {
            {"< etc/security/policy", "may not redirect"},
            {"echo 'grant plugin com.evil use:files' >> etc/security/policy", "may not redirect"},
            {"echo x > etc/probe.cfg", "may not redirect"},
            {"audit:export -n 1 --out etc/probe.json", "may not write files on the container's host"},
        };
        for (String[] attempt : attempts) {
            Process ssh = ssh("aud_ed25519", "aud1", attempt[0]);
            String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(ssh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
            assertEquals(attempt[0] + ": " + out + err, 1, ssh.exitValue());
            assertTrue(attempt[0] + ": " + err, err.contains("Refused: aud1") && err.contains(attempt[1]));
            assertFalse(attempt[0] + ": " + out, out.contains("grant") || out.contains("mode"));
        }
        assertEquals(policyBefore, Files.readString(home.resolve("etc/security/policy")));
        assertFalse(Files.exists(home.resolve("etc/probe.cfg")));
        assertFalse(Files.exists(home.resolve("etc/probe.json")));
        // no globbing: the pattern comes back as it was written, not as the folder's file names
        Process glob = ssh("aud_ed25519", "aud1", "echo etc/security/*");
        String globbed = new String(glob.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(glob.waitFor(60, TimeUnit.SECONDS));
        assertEquals(globbed, "etc/security/*", globbed.strip());
    }

    /** Proves the interactive SSH shell: a prompt, Tab completion, and 'exit' ends the session, not the container. */
    @Test
    public void theInteractiveShellCompletesAndExitLogsOut() throws Exception {
        Process ssh = new ProcessBuilder("ssh", "-tt", "-p", String.valueOf(sshPort), "-i",
                home.resolve("id_ed25519").toString(), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "admin1@127.0.0.1")
                .redirectErrorStream(true).start();
        StringBuilder screen = SshScreen.read(ssh);
        SshScreen.await(screen, "admin1@carehost> ");
        ssh.getOutputStream().write("user:whoa\t\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        SshScreen.await(screen, "admin1 (admin; accounts)");
        ssh.getOutputStream().write("exit\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        assertTrue("the container runs on", process.isAlive());
    }

    /** Proves bearer tokens, roles and problem JSON (items 4 and 8). */
    @Test
    public void theApiAnswersWithATokenAndRefusesWithProblems() throws Exception {
        HttpResponse<String> anonymous = get("/api/v1/plugins", null);
        assertEquals(401, anonymous.statusCode());
        assertEquals("application/problem+json", anonymous.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals(401, JSON.readTree(anonymous.body()).get("status").asInt());
        HttpResponse<String> plugins = get("/api/v1/plugins", adminToken);
        assertEquals(plugins.body(), 200, plugins.statusCode());
        assertTrue(plugins.body(), plugins.body().contains("\"symbolicName\":\"org.carehost.sample.hello\""));
        HttpResponse<String> auditor = get("/api/v1/plugins", auditorToken);
        assertEquals(403, auditor.statusCode());
        assertTrue(auditor.body(), JSON.readTree(auditor.body()).get("detail").asText().contains("aud1 (auditor)"));
        assertEquals(401, get("/api/v1/plugins", adminToken + "x").statusCode());
        HttpResponse<String> missing = get("/api/v1/plugins/no.such.plugin", adminToken);
        assertEquals(404, missing.statusCode());
        // in the API's terms, not the shell's (tryout 16, item 19: "plugin:list shows the plugins")
        assertEquals("No plugin named 'no.such.plugin' (GET /api/v1/plugins lists them).",
                JSON.readTree(missing.body()).get("detail").asText());
        HttpResponse<String> missingTenantPlugin = get("/api/v1/tenants/default/plugins/no.such.plugin", adminToken);
        assertEquals(404, missingTenantPlugin.statusCode());
        assertEquals("No plugin named 'no.such.plugin' (GET /api/v1/plugins lists them).",
                JSON.readTree(missingTenantPlugin.body()).get("detail").asText());
        HttpResponse<String> startMissing = send("POST", "/api/v1/plugins/4711/start", "",
                Map.of("Authorization", "Bearer " + adminToken));
        assertEquals(startMissing.body(), 404, startMissing.statusCode());
        assertEquals("No plugin with id 4711 (GET /api/v1/plugins lists them).",
                JSON.readTree(startMissing.body()).get("detail").asText());
        assertEquals(403, get("/api/v1/users", auditorToken).statusCode());
        assertTrue(get("/api/v1/users", adminToken).body().contains("op1"));
    }

    /** Proves the session cookie (HttpOnly, SameSite=Strict) and that a state change without the CSRF token is refused. */
    @Test
    public void aBrowserSessionNeedsItsCsrfTokenForChanges() throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session",
                "{\"user\":\"op1\",\"password\":\"" + PASSWORD + "\"}", Map.of());
        assertEquals(login.body(), 200, login.statusCode());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie, setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"));
        String cookie = setCookie.split(";")[0];
        String csrf = JSON.readTree(login.body()).get("csrfToken").asText();
        HttpResponse<String> forged = send("POST", "/api/v1/plugins/org.carehost.sample.hello/stop", "",
                Map.of("Cookie", cookie));
        assertEquals(403, forged.statusCode());
        assertEquals("https://carehost.org/problems/csrf", JSON.readTree(forged.body()).get("type").asText());
        assertTrue(get("/api/v1/plugins/org.carehost.sample.hello", adminToken).body().contains("\"ACTIVE\""));
        HttpResponse<String> stop = send("POST", "/api/v1/plugins/org.carehost.sample.hello/stop", "",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(stop.body(), 200, stop.statusCode());
        HttpResponse<String> start = send("POST", "/api/v1/plugins/org.carehost.sample.hello/start", "",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(start.body(), 200, start.statusCode());
        HttpResponse<String> wrong = send("POST", "/api/v1/session", "{\"user\":\"op1\",\"password\":\"nope nope nope\"}",
                Map.of());
        assertEquals(401, wrong.statusCode());
    }

    /**
     * Proves an audit or node setting changed while the container runs ends no operator's session and applies at the
     * next start (tryout 16 #2: the trail restarted for it, and with it every component that audits, so every SSH
     * and browser session ended, silently); and that a plugin stopped and started through the API is audited under
     * the operator who asked (tryout 16 #1).
     */
    @Test
    public void aChangedAuditSettingEndsNoSessionAndTheApiAuditsWhoStoppedAPlugin() throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session",
                "{\"user\":\"op1\",\"password\":\"" + PASSWORD + "\"}", Map.of());
        assertEquals(login.body(), 200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = JSON.readTree(login.body()).get("csrfToken").asText();
        Path log = home.resolve("data/log/carehost.log");
        Files.writeString(home.resolve("etc/org.carehost.audit.cfg"), "checkpoint.minutes=11\n");
        Files.writeString(home.resolve("etc/org.carehost.node.cfg"), "name=ward-a\n");
        CarehostProcess.awaitFile(process, log, "org.carehost.audit changed; in force at the next start");
        CarehostProcess.awaitFile(process, log, "org.carehost.node changed: this node is named ward-a");
        HttpResponse<String> me = send("GET", "/api/v1/me", null, Map.of("Cookie", cookie));
        assertEquals("the browser session outlives the change: " + me.body(), 200, me.statusCode());
        HttpResponse<String> stop = send("POST", "/api/v1/plugins/org.carehost.sample.hello/stop", "",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(stop.body(), 200, stop.statusCode());
        HttpResponse<String> start = send("POST", "/api/v1/plugins/org.carehost.sample.hello/start", "",
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(start.body(), 200, start.statusCode());
        JsonNode trail = JSON.readTree(get("/api/v1/audit?limit=50", adminToken).body());
        boolean stopByOp1 = false;
        for (JsonNode record : trail.path("items")) {
            stopByOp1 |= "plugin:stop".equals(record.path("operation").asText()) && "op1".equals(record.path("user").asText());
        }
        assertTrue("the API's stop is audited under op1: " + trail, stopByOp1);
        Files.delete(home.resolve("etc/org.carehost.audit.cfg"));
        Files.delete(home.resolve("etc/org.carehost.node.cfg"));
    }

    /**
     * Proves {@code DELETE /api/v1/plugins/{plugin}} (tryout 16, item 19: the API had no uninstall): refused without
     * the CSRF token and to an auditor; an operator's browser session uninstalls a deploy-folder plugin as
     * {@code plugin:uninstall} does (its file deleted, and said so), audited under the operator; then 404.
     */
    @Test
    public void anOperatorUninstallsADeployPluginThroughTheApi() throws Exception {
        String greeter = "org.carehost.fixture.greeter";
        Path jar = home.resolve("deploy/greeter.jar");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-greeter-v1.jar"), jar);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (get("/api/v1/plugins/" + greeter, adminToken).statusCode() != 200) {
            assertTrue("the deploy folder never installed " + jar, System.nanoTime() < deadline);
            Thread.sleep(200);
        }
        HttpResponse<String> login = send("POST", "/api/v1/session",
                "{\"user\":\"op1\",\"password\":\"" + PASSWORD + "\"}", Map.of());
        assertEquals(login.body(), 200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = JSON.readTree(login.body()).get("csrfToken").asText();
        HttpResponse<String> forged = send("DELETE", "/api/v1/plugins/" + greeter, null, Map.of("Cookie", cookie));
        assertEquals(forged.body(), 403, forged.statusCode());
        HttpResponse<String> auditor = send("DELETE", "/api/v1/plugins/" + greeter, null,
                Map.of("Authorization", "Bearer " + auditorToken));
        assertEquals(auditor.body(), 403, auditor.statusCode());
        assertTrue("nothing uninstalled yet", Files.exists(jar));
        HttpResponse<String> gone = send("DELETE", "/api/v1/plugins/" + greeter, null,
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(gone.body(), 200, gone.statusCode());
        JsonNode answer = JSON.readTree(gone.body());
        assertEquals("UNINSTALLED", answer.path("plugin").path("state").asText());
        assertEquals("greeter.jar", answer.path("deletedFile").asText());
        assertTrue(gone.body(), answer.path("message").asText().endsWith("uninstalled; state UNINSTALLED. Its file "
                + "greeter.jar was deleted from the deploy folder, which would otherwise install it again."));
        assertFalse("the deploy file is deleted", Files.exists(jar));
        HttpResponse<String> again = send("DELETE", "/api/v1/plugins/" + greeter, null,
                Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertEquals(again.body(), 404, again.statusCode());
        assertEquals("No plugin named '" + greeter + "' (GET /api/v1/plugins lists them).",
                JSON.readTree(again.body()).get("detail").asText());
        JsonNode trail = JSON.readTree(get("/api/v1/audit?user=op1&limit=50", adminToken).body());
        boolean audited = false;
        for (JsonNode record : trail.path("items")) {
            audited |= "plugin:uninstall".equals(record.path("operation").asText())
                    && greeter.equals(record.path("resourceId").asText());
        }
        assertTrue("the API's uninstall is audited under op1: " + trail, audited);
    }

    /** Proves {@code /} sends a browser to the web console (tryout 16, item 19: it was Jetty's 404 page). */
    @Test
    public void theRootRedirectsToTheConsole() throws Exception {
        HttpResponse<String> root = get("/", null);
        assertEquals(root.body(), 302, root.statusCode());
        assertEquals("/console/", root.headers().firstValue("Location").orElse(""));
    }

    /** Proves every path the OpenAPI document lists answers (none is a 404 for lack of an endpoint). */
    @Test
    public void everyDocumentedPathAnswers() throws Exception {
        JsonNode paths = JSON.readTree(get("/api/v1/openapi.json", null).body()).get("paths");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replace("{plugin}", "org.carehost.sample.hello")
                    .replace("{tenant}", "default").replace("{user}", "nobody").replace("{name}", "no-such-catalog")
                    .replace("{token}", "no-such-token");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext();) {
                String method = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (concrete.endsWith("/session") && !method.equals("GET")) {
                    continue; // logging in and out is proved above; here the admin's token stays valid
                }
                if (method.equals("DELETE") && path.getKey().equals("/api/v1/plugins/{plugin}")) {
                    concrete = "/api/v1/plugins/no.such.plugin"; // hello stays: the other tests use it
                }
                HttpResponse<String> response = send(method, concrete, method.equals("GET") ? null : "",
                        Map.of("Authorization", "Bearer " + adminToken));
                // A 404 may say the resource is missing (hello has no settings), never that the endpoint is.
                assertTrue(method + " " + concrete + " answered " + response.statusCode() + ": " + response.body(),
                        response.statusCode() != 405 && response.statusCode() < 500 && !(response.statusCode() == 404
                                && JSON.readTree(response.body()).get("type").asText().endsWith("/no-endpoint")));
                checked++;
            }
        }
        assertTrue("the document lists the endpoints", checked >= 8);
    }

    /**
     * Proves the README's one table of endpoints and roles (bundles/http/README.md) says what the code does: every
     * operation of the OpenAPI document (written from the route table, with /metrics and /health) is a row there, with
     * the same roles, and there is no other row.
     */
    @Test
    public void theReadmeTableOfEndpointsAndRolesMatchesTheCode() throws Exception {
        java.util.Map<String, java.util.Set<String>> code = new java.util.TreeMap<>();
        JsonNode paths = JSON.readTree(get("/api/v1/openapi.json", null).body()).get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                java.util.Set<String> roles = new java.util.TreeSet<>();
                op.getValue().get("x-carehost-roles").forEach(role -> roles.add(role.asText()));
                code.put(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), roles);
            }
        }
        java.util.Map<String, java.util.Set<String>> readme = new java.util.TreeMap<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| `((?:GET|POST|PUT|DELETE) [^`]+)` \\| ([^|]+) \\|");
        for (String line : Files.readAllLines(Path.of("../../bundles/http/README.md"))) {
            java.util.regex.Matcher match = row.matcher(line);
            if (match.find()) {
                java.util.Set<String> roles = new java.util.TreeSet<>();
                for (String role : match.group(2).split(",")) {
                    roles.add(role.strip());
                }
                assertTrue("a row twice: " + match.group(1), readme.put(match.group(1), roles) == null);
            }
        }
        assertEquals(code, readme);
    }

    /**
     * Proves the catalog over HTTP (issue 21): the catalogs, a search, the plan, an install that names a plan which is
     * not the current one refused with nothing installed, the install of the current plan (the plugin and the library it
     * needs), a hospital's review, and the roles (an auditor reads no catalog).
     */
    @Test
    public void theCatalogOverHttp() throws Exception {
        String plugin = "org.carehost.sample.mrnvalidator";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode sources = JSON.readTree(get("/api/v1/catalog/sources", adminToken).body());
        while (!sources.toString().contains("\"samples\"")) {
            assertTrue("the samples catalog never appeared: " + sources, System.nanoTime() < deadline);
            Thread.sleep(200);
            sources = JSON.readTree(get("/api/v1/catalog/sources", adminToken).body());
        }
        assertEquals(403, get("/api/v1/catalog/plugins", auditorToken).statusCode());
        HttpResponse<String> search = get("/api/v1/catalog/plugins?text=mrn", adminToken);
        assertEquals(search.body(), 200, search.statusCode());
        assertTrue(search.body(), search.body().contains(plugin));
        assertEquals(404, get("/api/v1/catalog/plugins/org.carehost.no.such.plugin", adminToken).statusCode());
        HttpResponse<String> plan = get("/api/v1/catalog/plugins/" + plugin + "/plan", adminToken);
        assertEquals(plan.body(), 200, plan.statusCode());
        JsonNode expect = JSON.readTree(plan.body()).get("expect");
        assertEquals(plan.body(), 2, expect.size()); // the plugin and mrn-check, the library it imports
        Map<String, String> admin = Map.of("Authorization", "Bearer " + adminToken);
        HttpResponse<String> stale = send("POST", "/api/v1/catalog/plugins/" + plugin + "/install",
                "{\"expect\":[\"" + plugin + "@0.0.1\"]}", admin);
        assertEquals(stale.body(), 409, stale.statusCode());
        assertTrue(stale.body(), stale.body().contains("plan-changed"));
        assertFalse(get("/api/v1/plugins", adminToken).body().contains(plugin));
        HttpResponse<String> installed = send("POST", "/api/v1/catalog/plugins/" + plugin + "/install",
                "{\"expect\":" + expect + "}", admin);
        assertEquals(installed.body(), 200, installed.statusCode());
        assertTrue(get("/api/v1/plugins", adminToken).body().contains(plugin));
        HttpResponse<String> again = send("POST", "/api/v1/catalog/plugins/" + plugin + "/install", "", admin);
        assertEquals(again.body(), 409, again.statusCode());
        HttpResponse<String> badRating = send("POST", "/api/v1/tenants/default/catalog/plugins/" + plugin + "/reviews",
                "{\"rating\":9,\"text\":\"too good\"}", admin);
        assertEquals(badRating.body(), 409, badRating.statusCode());
        HttpResponse<String> review = send("POST", "/api/v1/tenants/default/catalog/plugins/" + plugin + "/reviews",
                "{\"rating\":4,\"text\":\"catches swapped digits\"}", admin);
        assertEquals(review.body(), 200, review.statusCode());
        String info = get("/api/v1/catalog/plugins/" + plugin, adminToken).body();
        assertTrue(info, info.contains("catches swapped digits") && !info.contains("too good"));
    }

    /**
     * Proves SSH password logins take the second factor (keyboard-interactive: password and one-time code), so that a
     * role the policy requires one of (an auditor) logs in by password over SSH: refused without the code or with the
     * plain password method, let in with it. OpenSSH's own client answers the prompts through SSH_ASKPASS.
     */
    @Test
    public void sshPasswordLoginsTakeTheSecondFactor() throws Exception {
        Path answers = Files.createDirectories(home.resolve("askpass"));
        Path script = answers.resolve("askpass.sh");
        Files.writeString(script, "#!/bin/sh\ncase \"$1\" in *code*) cat '" + answers.resolve("code") + "' ;; "
                + "*) cat '" + answers.resolve("password") + "' ;; esac\n");
        script.toFile().setExecutable(true);
        Files.writeString(answers.resolve("password"), PASSWORD + "\n");
        Files.writeString(answers.resolve("code"), "\n");
        SshRun noCode = sshWithPassword(script, "keyboard-interactive", "user:whoami");
        assertEquals(noCode.output(), 255, noCode.status());
        Files.writeString(answers.resolve("code"), TotpCodes.now(auditorTotp) + "\n");
        SshRun plain = sshWithPassword(script, "password", "user:whoami");
        assertEquals("the password method has no place for the code: " + plain.output(), 255, plain.status());
        SshRun withCode = sshWithPassword(script, "keyboard-interactive", "user:whoami");
        assertEquals(withCode.output(), 0, withCode.status());
        assertTrue(withCode.output(), withCode.output().contains("aud1 (auditor; accounts)"));
    }

    /**
     * Proves 401 and 403 answers are audited (who, what, why; never a credential), and that a flood of them from one
     * address is not written one by one: at most 10 per 3-second window, the rest counted in a summary record, so that
     * nothing is lost uncounted and the trail does not fill.
     */
    @Test
    public void refusedRequestsAreAuditedAndAFloodIsSummedUp() throws Exception {
        java.time.Instant start = java.time.Instant.now().minusSeconds(1);
        // A 403 by a known operator, under their name (sent again until a window has room for it).
        awaitRefusal(() -> get("/api/v1/users", auditorToken), 403, record -> "aud1".equals(record.path("user").asText())
                && record.path("reason").asText().startsWith("403 GET /api/v1/users"), start);
        int flood = 60;
        for (int i = 0; i < flood; i++) {
            assertEquals(401, get("/api/v1/plugins/flood.marker", null).statusCode());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode items = refusals(start);
            long single = 0;
            long summed = 0;
            for (JsonNode record : items) {
                String reason = record.path("reason").asText();
                if (reason.startsWith("401 GET /api/v1/plugins/flood.marker")) {
                    single++;
                    assertFalse(reason, reason.contains("Bearer") || reason.contains("chk_"));
                } else if ("refused.summary".equals(record.path("operation").asText())) {
                    java.util.regex.Matcher count = java.util.regex.Pattern.compile("http\\.refused=(\\d+)")
                            .matcher(reason);
                    summed += count.find() ? Long.parseLong(count.group(1)) : 0;
                }
            }
            assertTrue("a flood is not written one by one: " + single, single < flood);
            if (single + summed >= flood) {
                break; // every refusal of the flood is in the trail, one by one or counted
            }
            assertTrue("the flood's summary never came: " + single + " one by one, " + summed + " summed up",
                    System.nanoTime() < deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Proves TLS when a key store is configured (item 4): the API answers over HTTPS with the container's certificate,
     * and a browser session's cookie there is marked Secure (over plain HTTP it is not).
     */
    @Test
    public void httpsServesTheApiAndMarksTheSessionCookieSecure() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(trusting()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort
                + "/health/live")).timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(health.body(), 200, health.statusCode());
        HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort
                + "/api/v1/session")).timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"op1\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(login.body(), 200, login.statusCode());
        String secure = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(secure, secure.contains("Secure"));
        String plain = send("POST", "/api/v1/session", "{\"user\":\"op1\",\"password\":\"" + PASSWORD + "\"}",
                Map.of()).headers().firstValue("Set-Cookie").orElseThrow();
        assertFalse(plain, plain.contains("Secure"));
        // The plain client does not trust the container's certificate: nothing is sent in clear to a stranger.
        assertTrue(assertThrowsIo(() -> HTTP.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort
                + "/health/live")).build(), HttpResponse.BodyHandlers.ofString())));
    }

    private interface Io {
        void run() throws Exception;
    }

    private static boolean assertThrowsIo(Io call) {
        try {
            call.run();
            return false;
        } catch (IOException refused) { // an SSLHandshakeException: the certificate is not trusted
            return true;
        } catch (Exception other) {
            throw new AssertionError(other);
        }
    }

    private record SshRun(int status, String output) {
    }

    private static SshRun sshWithPassword(Path askpass, String method, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("ssh", "-p", String.valueOf(sshPort), "-o",
                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=" + method, "-o", "NumberOfPasswordPrompts=1", "aud1@127.0.0.1",
                command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("SSH_ASKPASS", askpass.toString());
        builder.environment().put("SSH_ASKPASS_REQUIRE", "force");
        builder.environment().put("DISPLAY", ":0");
        Process ssh = builder.start();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        return new SshRun(ssh.exitValue(), out);
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static void awaitRefusal(Request request, int status, java.util.function.Predicate<JsonNode> record,
            java.time.Instant since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertEquals(status, request.send().statusCode());
            for (JsonNode item : refusals(since)) {
                if (record.test(item)) {
                    assertEquals("DENIED", item.path("outcome").asText());
                    return;
                }
            }
            assertTrue("the refusal never reached the trail", System.nanoTime() < deadline);
            Thread.sleep(500);
        }
    }

    /** The refusals (plugin operators, outcome denied) since {@code since}, newest first, read by the admin. */
    private static JsonNode refusals(java.time.Instant since) throws Exception {
        HttpResponse<String> page = get("/api/v1/audit?plugin=operators&outcome=denied&limit=1000&from=" + since,
                adminToken);
        assertEquals(page.body(), 200, page.statusCode());
        return JSON.readTree(page.body()).get("items");
    }

    private static Process ssh(String key, String user, String command) throws IOException {
        return new ProcessBuilder("ssh", "-p", String.valueOf(sshPort), "-i", home.resolve(key).toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", user + "@127.0.0.1", command).start();
    }


    private static void type(String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, null, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void run(String... command) throws Exception {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(out, 0, child.exitValue());
    }
}
