package org.carehost.itest;

import static org.carehost.itest.UploadFiles.makeSigner;
import static org.carehost.itest.UploadFiles.zip;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two nodes on one PostgreSQL database (issue 19), on the real {@code carehost.jar}, both running: one node uploads a
 * signed plugin, and a refused upload keeps nothing; the other, a home of its own on the same database, installs the
 * upload from the store while it runs (it looks every second here: {@code uploadPollSeconds}; the jar is kept as
 * {@code BYTEA}). Failed logins from one address on the first node lock that address out of the second too (the
 * lockout is the store's). An uninstall on the first node uninstalls the plugin on the second (the store keeps a
 * tombstone of that upload), also when the second was down meanwhile (at its start). Runs when {@code CAREHOST_TEST_POSTGRES_URL} names a database (.ci/postgres start prints
 * it). The node installing an upload at its start is {@code PluginUploadIT}'s case.
 */
public class PluginUploadPostgresIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String SIGNER = "CN=Carehost Upload Signer,O=Carehost Tests";
    private static final String TICKER = "org.carehost.fixture.uploadticker";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    public void anUploadKeptInPostgresIsInstalledByAnotherNode() throws Exception {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        Path first = node("upload-pg-a");
        Path work = Files.createDirectories(first.resolve("test-files"));
        makeSigner(work, SIGNER, first.resolve("etc/security/trusted/upload-signer.pem"));

        String version = "1.0.0.r" + System.currentTimeMillis();
        int firstPort = LoopbackPorts.free();
        String token;
        int keptBefore;
        Process a = CarehostProcess.startForLogins(first, CarehostProcess.thisJava(),
                "-Dorg.osgi.service.http.port=" + firstPort, "-Dcarehost.store.url=" + url);
        Process b = null;
        try (OutputStream console = a.getOutputStream()) {
            // another run's account on this database may exist: a name of this run's own
            String operator = "op" + Long.toString(System.nanoTime(), 36);
            type(console, "user:add --roles operator --password '" + PASSWORD + "' " + operator);
            type(console, "user:token --label it " + operator);
            type(console, "plugin:grant " + TICKER + " schedule:work");
            token = awaitToken(a, first);
            awaitHttp(a, firstPort);
            // The other node: a home of its own on the same database, holding the same keys and trusted signers
            // (etc/security), as the nodes of one database do; running while the first one uploads.
            Path second = node("upload-pg-b");
            copyTree(first.resolve("etc/security"), second.resolve("etc/security"));
            Files.writeString(second.resolve("etc/org.carehost.http.cfg"), "uploadPollSeconds=1\n");
            int secondPort = LoopbackPorts.free();
            b = CarehostProcess.start(second, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + secondPort,
                    "-Dcarehost.store.url=" + url);
            keptBefore = kept(firstPort, token);
            HttpResponse<String> bomb = upload(firstPort, token, zip(Map.of("zeros.bin", new byte[50 * 1024 * 1024])));
            assertEquals(bomb.body(), 422, bomb.statusCode());
            assertEquals("a refused upload keeps nothing", keptBefore, kept(firstPort, token));
            // A version of this run's own: the database may keep an earlier run's upload of the ticker (another JDK's)
            File versioned = Fixtures.withManifestHeader(CarehostProcess.BUNDLES.resolve(
                    "carehost-fixture-upload-ticker.jar").toFile(), "Bundle-Version", version, work.toFile());
            Path signedJar = work.resolve("ticker-" + version + "-signed.jar");
            UploadFiles.run(UploadFiles.tool("jarsigner"), "-keystore", work.resolve("signer.p12").toString(),
                    "-storepass", "changeit", "-signedjar", signedJar.toString(), versioned.toString(), "plugin");
            awaitHttp(b, secondPort); // the other node is up before the upload: it installs it while it runs
            HttpResponse<String> uploaded = upload(firstPort, token, Files.readAllBytes(signedJar));
            assertEquals(uploaded.body(), 200, uploaded.statusCode());
            assertEquals("ACTIVE", JSON.readTree(uploaded.body()).get("plugin").get("state").asText());
            assertEquals(keptBefore + 1, kept(firstPort, token));
            Await.until("the other node installs the upload from PostgreSQL while it runs", 60_000, () -> {
                try {
                    return "ACTIVE".equals(state(secondPort, token, TICKER, version));
                } catch (Exception notYet) {
                    return false;
                }
            });
            assertEquals(keptBefore + 1, kept(secondPort, token));

            // 20 bad tokens from one address (a loopback address of this run's own) on the first node: the second
            // refuses that address even the right password (the lock is the store's); its token, a factor no guesser
            // has, still gets in, and another address logs in by password there.
            String address = "127.0." + (1 + new java.util.Random().nextInt(250)) + "." + (2 + new java.util.Random()
                    .nextInt(250));
            assertEquals(200, passwordLoginFrom(address, secondPort, operator));
            for (int i = 0; i < 20; i++) {
                assertEquals(401, statusFrom(address, firstPort, "chk_guess" + i));
            }
            assertEquals("locked on the other node too", 401, passwordLoginFrom(address, secondPort, operator));
            assertEquals(200, statusFrom(address, secondPort, token));
            assertEquals(200, passwordLoginFrom("127.0.0.1", secondPort, operator));

            // A node that is down while the plugin is uninstalled on another uninstalls its copy when it starts again:
            // the store holds a tombstone of the very upload it holds.
            b.getOutputStream().close();
            assertTrue(b.waitFor(60, TimeUnit.SECONDS));
            type(console, "plugin:uninstall " + JSON.readTree(uploaded.body()).get("plugin").get("id").asText());
            Await.until("the first node uninstalls the plugin", 60_000, () -> {
                try {
                    return "none".equals(state(firstPort, token, TICKER, version)) && kept(firstPort, token) == keptBefore;
                } catch (Exception notYet) {
                    return false;
                }
            });
            b = CarehostProcess.start(second, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + secondPort,
                    "-Dcarehost.store.url=" + url);
            awaitHttp(b, secondPort);
            Await.until("the second node, down during the uninstall, uninstalls its copy when it starts", 60_000, () -> {
                try {
                    return "none".equals(state(secondPort, token, TICKER, version));
                } catch (Exception notYet) {
                    return false;
                }
            });

            // Uploaded again (another upload of the same jar: the first one's tombstone does not apply), it is
            // installed on the second node again; an uninstall on the first node while both run spreads: its row is
            // deleted and its tombstone written, and the second node uninstalls its copy; neither installs it again.
            HttpResponse<String> again = upload(firstPort, token, Files.readAllBytes(signedJar));
            assertEquals(again.body(), 200, again.statusCode());
            Await.until("the other node installs the upload again", 60_000, () -> {
                try {
                    return "ACTIVE".equals(state(secondPort, token, TICKER, version));
                } catch (Exception notYet) {
                    return false;
                }
            });
            type(console, "plugin:uninstall " + JSON.readTree(again.body()).get("plugin").get("id").asText());
            Await.until("the second node uninstalls the plugin uninstalled on the first", 60_000, () -> {
                try {
                    return "none".equals(state(secondPort, token, TICKER, version));
                } catch (Exception notYet) {
                    return false;
                }
            });
            assertEquals("none", state(firstPort, token, TICKER, version));
            assertEquals(keptBefore, kept(secondPort, token));
        } finally {
            if (b != null) {
                b.getOutputStream().close();
                assertTrue(b.waitFor(60, TimeUnit.SECONDS));
            }
        }
        assertTrue(a.waitFor(60, TimeUnit.SECONDS));
    }

    /** A password login (POST /api/v1/session) sent from {@code from} (a loopback address): its status. */
    private static int passwordLoginFrom(String from, int port, String user) throws IOException {
        byte[] body = ("{\"user\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return sendFrom(from, port, "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
    }

    /** A GET of the plugin list with a bearer token, sent from {@code from} (a loopback address): its status. */
    private static int statusFrom(String from, int port, String token) throws IOException {
        return sendFrom(from, port, "GET /api/v1/plugins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n", new byte[0]);
    }

    /** An HTTP request sent from {@code from} (a loopback address): its status. */
    private static int sendFrom(String from, int port, String head, byte[] body) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertTrue("no HTTP answer: " + status, status != null && status.startsWith("HTTP/1.1 "));
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /** A home of its own; the database is given at start (carehost.store.url), so the store opens on it at once. */
    private static Path node(String name) throws IOException {
        Path home = CarehostProcess.freshHome(name);
        Files.createDirectories(home.resolve("etc/security/trusted"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        return home;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (var paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void type(OutputStream console, String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private static String awaitToken(Process process, Path home) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Path out = home.resolve("stdout.txt");
            List<String> tokens = Files.exists(out) ? Files.readString(out).lines().filter(l -> l.startsWith("chk_"))
                    .toList() : List.of();
            if (!tokens.isEmpty()) {
                return tokens.get(0);
            }
            assertTrue("no token printed; stderr:\n" + Files.readString(home.resolve("stderr.txt")),
                    System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    private static void awaitHttp(Process process, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (send(port, "GET", "/api/v1/openapi.json", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("HTTP never answered on " + port, System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    private static int kept(int port, String token) throws Exception {
        HttpResponse<String> uploads = send(port, "GET", "/api/v1/uploads", token, null);
        assertEquals(uploads.body(), 200, uploads.statusCode());
        int jars = 0;
        for (JsonNode upload : JSON.readTree(uploads.body())) {
            jars += upload.size();
        }
        return jars;
    }

    private static String state(int port, String token, String symbolicName, String version) throws Exception {
        for (JsonNode plugin : JSON.readTree(send(port, "GET", "/api/v1/plugins", token, null).body())) {
            if (symbolicName.equals(plugin.get("symbolicName").asText())
                    && version.equals(plugin.path("version").asText())) {
                return plugin.get("state").asText();
            }
        }
        return "none";
    }

    private static HttpResponse<String> upload(int port, String token, byte[] jar) throws Exception {
        return send(port, "POST", "/api/v1/plugins", token, jar);
    }

    private static HttpResponse<String> send(int port, String method, String path, String token, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/octet-stream");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
