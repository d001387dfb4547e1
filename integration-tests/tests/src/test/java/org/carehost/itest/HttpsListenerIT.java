package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.Test;

/**
 * TLS as Carehost configuration (issue 19, item 4: "TLS when a key store is configured"): the real {@code carehost.jar}
 * with {@code etc/org.carehost.http.listener.cfg} naming a PKCS#12 key store the test makes with the JDK's keytool
 * (its password a {@code $[secret:…]} reference), reached over HTTPS on loopback by the JDK's HTTP client trusting
 * that certificate, plain HTTP off as configured; then a wrong password, set while it runs, is one error in the log
 * naming the setting, and HTTPS keeps serving with the previous key store; at the next start, with no previous key
 * store, the same setting leaves HTTPS off.
 */
public class HttpsListenerIT {

    private static final String PASSWORD = "https-key-store-secret";
    private static final String WRONG = "not-the-key-store-secret";

    @Test
    public void httpsFromTheListenerConfigurationAndABadKeyStoreIsOneClearError() throws Exception {
        Path home = CarehostProcess.freshHome("https");
        int httpPort = LoopbackPorts.free();
        int httpsPort = LoopbackPorts.free();
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path keyStore = Files.createDirectories(etc.resolve("security")).resolve("https.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "carehost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String made = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(made, 0, keytool.exitValue());
        Files.writeString(Files.createDirectories(etc.resolve("secrets")).resolve("https-key-store"), PASSWORD);
        Files.writeString(etc.resolve("org.carehost.ssh.cfg"), "enabled=false\n");
        write(etc, "httpEnabled=false\nhttpsEnabled=true\nhttpsPort=" + httpsPort
                + "\nkeyStore=https.p12\nkeyStorePassword=$[secret:https-key-store]\n");
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keyStore))
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI https = URI.create("https://127.0.0.1:" + httpsPort + "/health/live");
        URI http = URI.create("http://127.0.0.1:" + httpPort + "/health/live");
        // the framework property keeps the first listener (before the configuration arrives) off the default port
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + httpPort);
        try {
            HttpResponse<String> live = awaitLive(process, trusting, https);
            assertEquals(live.body(), 200, live.statusCode());
            // Felix HTTP took the whole configuration at once: with HTTPS up, plain HTTP is off
            assertTrue(refused(plain, http));
            String log = Files.readString(home.resolve("data/log/carehost.log"));
            assertTrue(log, log.contains("HTTPS on port " + httpsPort));
            assertFalse(log, log.contains("org.apache.felix.http rejected"));
            assertFalse("the key store's password is never logged", log.contains(PASSWORD));

            // A wrong password while it runs (a key store rotation gone wrong): one error naming the setting and that
            // the previous key store stays in use; HTTPS keeps serving with it, plain HTTP on as now configured
            write(etc, "httpEnabled=true\nhttpsEnabled=true\nhttpsPort=" + httpsPort
                    + "\nkeyStore=https.p12\nkeyStorePassword=" + WRONG + "\n");
            HttpResponse<String> again = awaitLive(process, plain, http);
            assertEquals(again.body(), 200, again.statusCode());
            HttpResponse<String> kept = awaitLive(process, trusting, https);
            assertEquals(kept.body(), 200, kept.statusCode());
            String after = Files.readString(home.resolve("data/log/carehost.log"));
            String error = "HTTPS key store not changed: keyStorePassword in etc/org.carehost.http.listener.cfg does "
                    + "not open the key store ";
            assertEquals(after, 1, after.split(java.util.regex.Pattern.quote(error), -1).length - 1);
            assertTrue(after, after.contains("The previous key store " + keyStore.toAbsolutePath().normalize()
                    + " stays in use"));
            assertFalse(after.contains("HTTPS is off"));
            assertFalse(after.contains(WRONG) || after.contains(PASSWORD));
            String stderr = Files.readString(home.resolve("stderr.txt"));
            assertTrue(stderr, stderr.contains(error));
        } finally {
            stop(process);
        }

        // The same broken setting at a start: there is no previous key store, so HTTPS stays off, plain HTTP on
        Files.delete(home.resolve("data/log/carehost.log"));
        process = CarehostProcess.start(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + httpPort);
        try {
            HttpResponse<String> live = awaitLive(process, plain, http);
            assertEquals(live.body(), 200, live.statusCode());
            CarehostProcess.awaitFile(process, home.resolve("data/log/carehost.log"), "HTTPS is off: keyStorePassword "
                    + "in etc/org.carehost.http.listener.cfg does not open the key store ");
            Await.until("HTTPS is off", 60_000, () -> {
                try {
                    return refused(trusting, https);
                } catch (Exception other) {
                    return false;
                }
            });
        } finally {
            stop(process);
        }
    }

    private static void stop(Process process) throws Exception {
        process.getOutputStream().close(); // the end of the script: the container stops
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The listener configuration, written whole and then moved in (FileInstall never reads half a file). */
    private static void write(Path etc, String settings) throws IOException {
        Path next = etc.resolve(".org.carehost.http.listener.cfg.tmp");
        Files.writeString(next, settings);
        Files.move(next, etc.resolve("org.carehost.http.listener.cfg"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    /**
     * The first 200 at {@code uri} (the health servlet), waiting while nothing listens there yet, or Felix HTTP, just
     * restarted on a new configuration, answers 404 until the whiteboard has registered the servlets again.
     */
    private static HttpResponse<String> awaitLive(Process process, HttpClient client, URI uri) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "nothing";
        while (true) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (ConnectException notYet) {
                last = notYet.toString();
            }
            assertTrue("no 200 at " + uri + "; last: " + last, System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
    }

    private static boolean refused(HttpClient client, URI uri) throws Exception {
        try {
            client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return false;
        } catch (ConnectException nothingListens) {
            return true;
        }
    }
}
