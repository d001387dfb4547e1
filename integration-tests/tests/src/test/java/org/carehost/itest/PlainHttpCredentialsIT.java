package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTPS on, plain HTTP left on, both on an address other machines reach (redteam-3 #10): the real carehost.jar warns
 * at start, refuses credentials over plain HTTP from a peer that is not loopback (the test connects from this
 * machine's own network address, so the container sees a non-loopback peer), and marks HTTPS answers with
 * Strict-Transport-Security. (From loopback, plain HTTP with HTTPS on keeps taking credentials: RemoteAccessIT.)
 */
public class PlainHttpCredentialsIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String KEY_STORE_PASSWORD = "test-key-store-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process process;
    private static OutputStream console;
    private static Path home;
    private static String address;
    private static int httpPort;
    private static int httpsPort;
    private static String adminToken;
    private static HttpClient plain;
    private static HttpClient https;

    @BeforeClass
    public static void startOnANetworkAddress() throws Exception {
        address = networkAddress();
        // never skipped: a machine without one cannot show the refusal, and says so
        assertNotNull("this test needs a non-loopback IPv4 address to listen on (a network interface that is up), "
                + "to be a peer that is not loopback; this machine has none", address);
        home = CarehostProcess.freshHome("plain-http");
        httpPort = LoopbackPorts.free();
        httpsPort = LoopbackPorts.free();
        Path keyStore = Files.createDirectories(home.resolve("etc/security")).resolve("https.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "carehost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + address,
                "-ext", "san=ip:" + address, "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", KEY_STORE_PASSWORD, "-keypass", KEY_STORE_PASSWORD).redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue());
        Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "address=" + address + "\nport=" + httpPort
                + "\nhttpsEnabled=true\nhttpsPort=" + httpsPort + "\nkeyStore=https.p12\nkeyStorePassword="
                + KEY_STORE_PASSWORD + "\n");
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + LoopbackPorts.free() + "\n");
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(trusting(keyStore)).build();
        process = CarehostProcess.startForLogins(home, CarehostProcess.thisJava());
        console = process.getOutputStream();
        console.write(("user:add --roles admin --password '" + PASSWORD + "' admin1\nuser:token --label it admin1\n")
                .getBytes(StandardCharsets.UTF_8));
        console.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (adminToken == null) {
            assertTrue("no token printed; stderr:\n" + Files.readString(home.resolve("stderr.txt")),
                    System.nanoTime() < deadline && process.isAlive());
            adminToken = Files.readString(home.resolve("stdout.txt")).lines().filter(l -> l.startsWith("chk_"))
                    .findFirst().orElse(null);
            Thread.sleep(100);
        }
        while (true) { // HTTPS answers once Felix HTTP has its listeners and the servlets are registered on them
            try {
                if (send(https, "https", httpsPort, "GET", "/health/live", null, null).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("HTTPS never answered on " + address + ":" + httpsPort, System.nanoTime() < deadline
                    && process.isAlive());
            Thread.sleep(100);
        }
    }

    @AfterClass
    public static void stop() throws Exception {
        if (process != null) {
            console.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Proves the refusal: a token, a login and a session cookie over plain HTTP get a 403 naming HTTPS. */
    @Test
    public void plainHttpFromAnotherMachineTakesNoCredentials() throws Exception {
        HttpResponse<String> token = send(plain, "http", httpPort, "GET", "/api/v1/plugins", adminToken, null);
        assertEquals(token.body(), 403, token.statusCode());
        assertEquals("https://carehost.org/problems/https-required", JSON.readTree(token.body()).get("type").asText());
        assertTrue(token.body(), JSON.readTree(token.body()).get("detail").asText().contains("httpEnabled=false"));
        HttpResponse<String> login = send(plain, "http", httpPort, "POST", "/api/v1/session", null,
                "{\"user\":\"admin1\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(login.body(), 403, login.statusCode());
        assertFalse(login.headers().firstValue("Set-Cookie").isPresent());
        HttpResponse<String> cookie = plain.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + httpPort
                + "/api/v1/me")).header("Cookie", "CAREHOST_SESSION=whatever").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(cookie.body(), 403, cookie.statusCode());
        HttpResponse<String> metrics = send(plain, "http", httpPort, "GET", "/metrics", adminToken, null);
        assertEquals(metrics.body(), 403, metrics.statusCode());
        // what carries no credential still answers
        assertEquals(200, send(plain, "http", httpPort, "GET", "/health/live", null, null).statusCode());
    }

    /** Proves HTTPS takes the same token, with Strict-Transport-Security on its answers (and plain HTTP has none). */
    @Test
    public void httpsAnswersCarryStrictTransportSecurity() throws Exception {
        HttpResponse<String> plugins = send(https, "https", httpsPort, "GET", "/api/v1/plugins", adminToken, null);
        assertEquals(plugins.body(), 200, plugins.statusCode());
        assertEquals("max-age=31536000", plugins.headers().firstValue("Strict-Transport-Security").orElse(""));
        assertTrue(send(https, "https", httpsPort, "GET", "/health/live", null, null).headers()
                .firstValue("Strict-Transport-Security").isPresent());
        assertFalse(send(plain, "http", httpPort, "GET", "/health/live", null, null).headers()
                .firstValue("Strict-Transport-Security").isPresent());
    }

    /** Proves the warning at start names the plain-HTTP address and the setting that turns it off. */
    @Test
    public void theStartWarnsOfPlainHttpOnANetworkAddress() throws Exception {
        Path log = home.resolve("data/log/carehost.log");
        String expected = "Plain HTTP listens on http://" + address + ":" + httpPort + "/";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log).contains(expected))) {
            assertTrue("no warning in the log: " + (Files.exists(log) ? Files.readString(log) : "(no log)"),
                    System.nanoTime() < deadline);
            Thread.sleep(200);
        }
        String line = Files.readString(log).lines().filter(l -> l.contains(expected)).findFirst().orElseThrow();
        assertTrue(line, line.contains("WARN") && line.contains("httpEnabled=false"));
    }

    private static String networkAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress candidate : Collections.list(nic.getInetAddresses())) {
                    if (candidate instanceof Inet4Address && !candidate.isLoopbackAddress()
                            && !candidate.isLinkLocalAddress()) {
                        return candidate.getHostAddress();
                    }
                }
            }
        }
        return null;
    }

    private static javax.net.ssl.SSLContext trusting(Path keyStore) throws Exception {
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

    private static HttpResponse<String> send(HttpClient client, String scheme, int port, String method, String path,
            String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + address + ":" + port + path))
                .timeout(Duration.ofSeconds(120)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
