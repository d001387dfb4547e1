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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real {@code carehost.jar} reached over loopback by the JDK's HTTP client and OpenSSH (redteam-3 items 5 to 8):
 * the login body is bounded, wrong passwords do not lock out a key, disabling an account ends its browser session and
 * its SSH shell, and only auditors and admins verify the whole audit trail; a password change ends the account's
 * browser sessions, API tokens and SSH shells (item 6), a login's answer does not say whether the password was right
 * when a second factor is missing (item 14), and an RSA key below 2048 bits is refused (item 14). Each test uses
 * accounts of its own.
 */
public class RemoteSessionsIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static Process process;
    private static OutputStream console;
    private static Path home;
    private static int httpPort;
    private static int sshPort;
    private static String adminToken;
    private static String auditorToken;
    private static String hospitalAdminToken;
    private static String op4Token;
    private static String op5Secret;

    @BeforeClass
    public static void startTheContainerAndMakeAccounts() throws Exception {
        home = CarehostProcess.freshHome("sessions");
        httpPort = LoopbackPorts.free();
        sshPort = LoopbackPorts.free();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=" + sshPort + "\n");
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-C", "op6@test", "-f",
                home.resolve("op6_rsa1024").toString());
        for (String user : List.of("op2", "op3", "op4")) {
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user + "@test", "-f",
                    home.resolve(user + "_ed25519").toString());
        }
        process = CarehostProcess.startForLogins(home, CarehostProcess.thisJava(), "-Dorg.osgi.service.http.port=" + httpPort);
        console = process.getOutputStream();
        type("tenant:create stmary St Mary");
        type("user:add --roles admin --password '" + PASSWORD + "' admin1");
        type("user:add --roles auditor --password '" + PASSWORD + "' aud1");
        type("user:add --roles hospital-admin --tenants stmary --password '" + PASSWORD + "' ha1");
        // op2 is locked out by wrong passwords (item 7), op3 is disabled while logged in (item 6)
        // op4's password is changed while it is logged in (item 6), op5 has a second factor (item 14)
        for (String user : List.of("op2", "op3", "op4")) {
            type("user:add --roles operator --password '" + PASSWORD + "' " + user);
            type("user:key-add " + user + " " + Files.readString(home.resolve(user + "_ed25519.pub")).strip());
        }
        type("user:token --label it admin1");
        type("user:token --label it aud1");
        type("user:token --label it ha1");
        type("user:token --label it op4");
        type("user:add --roles operator --password '" + PASSWORD + "' op5");
        type("user:totp op5");
        type("user:add --roles operator --password '" + PASSWORD + "' op6");
        List<String> tokens = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (tokens.size() < 4) {
            assertTrue("tokens never printed; stdout:\n" + Files.readString(home.resolve("stdout.txt")) + "\nstderr:\n"
                    + Files.readString(home.resolve("stderr.txt")), System.nanoTime() < deadline && process.isAlive());
            tokens = Files.readString(home.resolve("stdout.txt")).lines().filter(l -> l.startsWith("chk_")).toList();
            Thread.sleep(100);
        }
        adminToken = tokens.get(0);
        auditorToken = tokens.get(1);
        hospitalAdminToken = tokens.get(2);
        op4Token = tokens.get(3);
        op5Secret = awaitConsole("secret ").lines().filter(l -> l.startsWith("secret ")).findFirst().orElseThrow()
                .substring("secret ".length()).strip();
        while (true) { // the API answers once Felix HTTP has taken its configuration from etc/
            try {
                if (get("/api/v1/openapi.json", null).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("HTTP never answered on " + httpPort, System.nanoTime() < deadline && process.isAlive());
            Thread.sleep(100);
        }
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

    /**
     * Proves the login body is bounded whatever the request declares (item 5): a chunked body (no Content-Length) of
     * more than 64 KiB is refused with a 413 problem before it is parsed, as a declared one is; the route still answers.
     */
    @Test
    public void aChunkedLoginBodyPast64KiBIsRefused() throws Exception {
        String big = "{\"pad\":\"" + "a".repeat(200 * 1024) + "\"}";
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/v1/session")).version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(chunked.body(), 413, chunked.statusCode());
        assertEquals("https://carehost.org/problems/too-large", JSON.readTree(chunked.body()).get("type").asText());
        HttpResponse<String> declared = send("POST", "/api/v1/session", big, Map.of());
        assertEquals(declared.body(), 413, declared.statusCode());
        HttpResponse<String> small = send("POST", "/api/v1/session", "{\"pad\":1}", Map.of());
        assertEquals(small.body(), 400, small.statusCode());
        assertTrue(small.body(), JSON.readTree(small.body()).get("detail").asText().contains("'user'"));
    }

    /**
     * Proves wrong passwords lock only password logins (item 7): after five, op2's right password is refused over HTTP,
     * but OpenSSH with op2's key still logs in (a key is a factor a password guesser lacks), and the key login does not
     * lift the password lockout.
     */
    @Test
    public void wrongPasswordsDoNotLockOutAnSshKey() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, send("POST", "/api/v1/session", "{\"user\":\"op2\",\"password\":\"wrong guess " + i
                    + "\"}", Map.of()).statusCode());
        }
        String login = "{\"user\":\"op2\",\"password\":\"" + PASSWORD + "\"}";
        assertEquals("locked: the right password is refused", 401, send("POST", "/api/v1/session", login, Map.of())
                .statusCode());
        Process ssh = new ProcessBuilder(sshCommand("op2", "user:whoami")).start();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(ssh.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out + err, 0, ssh.exitValue());
        assertTrue(out, out.startsWith("op2 (operator"));
        assertEquals("still locked for passwords", 401, send("POST", "/api/v1/session", login, Map.of()).statusCode());
    }

    /**
     * Proves disabling an account ends what it has open (item 6): op3's browser session (its cookie worked just before)
     * is refused at the next request, and op3's interactive SSH shell refuses the next line and closes; enabling the
     * account again does not bring the old session back.
     */
    @Test
    public void disablingAnAccountEndsItsBrowserSessionAndItsSshShell() throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session", "{\"user\":\"op3\",\"password\":\"" + PASSWORD
                + "\"}", Map.of());
        assertEquals(login.body(), 200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertEquals(200, send("GET", "/api/v1/me", null, Map.of("Cookie", cookie)).statusCode());
        String untouched = send("POST", "/api/v1/session", "{\"user\":\"op3\",\"password\":\"" + PASSWORD + "\"}",
                Map.of()).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]; // not used while disabled
        List<String> interactive = new ArrayList<>(sshCommand("op3", null));
        interactive.add(1, "-tt");
        Process ssh = new ProcessBuilder(interactive).redirectErrorStream(true).start();
        StringBuilder screen = SshScreen.read(ssh);
        SshScreen.await(screen, "op3@carehost> ");
        ssh.getOutputStream().write("user:whoami\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        SshScreen.await(screen, "op3 (operator; accounts)"); // whoami's answer (the greeting says "op3 (operator).")
        HttpResponse<String> disable = send("POST", "/api/v1/users/op3/disable", "", bearer(adminToken));
        assertEquals(disable.body(), 200, disable.statusCode());
        HttpResponse<String> after = send("GET", "/api/v1/me", null, Map.of("Cookie", cookie));
        assertEquals(after.body(), 401, after.statusCode());
        ssh.getOutputStream().write("plugin:list\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        SshScreen.await(screen, "Refused: the account op3 is disabled");
        assertTrue("the connection closes", ssh.waitFor(60, TimeUnit.SECONDS));
        synchronized (screen) {
            assertFalse(screen.toString(), screen.toString().contains("org.carehost.sample.hello"));
        }
        HttpResponse<String> enable = send("POST", "/api/v1/users/op3/enable", "", bearer(adminToken));
        assertEquals(enable.body(), 200, enable.statusCode());
        HttpResponse<String> enabled = send("GET", "/api/v1/me", null, Map.of("Cookie", untouched));
        assertEquals("enabled again, a session from before (unused meanwhile) stays over: " + enabled.body(), 401,
                enabled.statusCode());
    }

    /**
     * Proves a password change ends what the account had open (item 6): op4's browser session, its API token and its
     * interactive SSH shell all worked before; after {@code user:passwd} at the console the cookie and the token get
     * 401 and the shell refuses the next line and closes, while the new password logs in.
     */
    @Test
    public void aPasswordChangeEndsTheAccountsSessionsTokensAndShells() throws Exception {
        HttpResponse<String> login = send("POST", "/api/v1/session", "{\"user\":\"op4\",\"password\":\"" + PASSWORD
                + "\"}", Map.of());
        assertEquals(login.body(), 200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertEquals(200, send("GET", "/api/v1/me", null, Map.of("Cookie", cookie)).statusCode());
        assertEquals(200, get("/api/v1/me", op4Token).statusCode());
        List<String> interactive = new ArrayList<>(sshCommand("op4", null));
        interactive.add(1, "-tt");
        Process ssh = new ProcessBuilder(interactive).redirectErrorStream(true).start();
        StringBuilder screen = SshScreen.read(ssh);
        SshScreen.await(screen, "op4@carehost> ");
        ssh.getOutputStream().write("user:whoami\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        SshScreen.await(screen, "op4 (operator; accounts)");
        String changed = "a new horse battery staple";
        type("user:passwd --password '" + changed + "' op4");
        awaitConsole("Password of op4 set.");
        HttpResponse<String> after = send("GET", "/api/v1/me", null, Map.of("Cookie", cookie));
        assertEquals(after.body(), 401, after.statusCode());
        HttpResponse<String> token = get("/api/v1/me", op4Token);
        assertEquals(token.body(), 401, token.statusCode());
        ssh.getOutputStream().write("plugin:list\r".getBytes(StandardCharsets.UTF_8));
        ssh.getOutputStream().flush();
        SshScreen.await(screen, "had its password changed since this login");
        assertTrue("the connection closes", ssh.waitFor(60, TimeUnit.SECONDS));
        assertEquals("the new password logs in", 200, send("POST", "/api/v1/session", "{\"user\":\"op4\","
                + "\"password\":\"" + changed + "\"}", Map.of()).statusCode());
    }

    /**
     * Proves the second-factor step is no password oracle (item 14): for op5 (a TOTP enrolled), a wrong password and the
     * right one, each without a code, get the same status and the same body; with the code the right one logs in.
     */
    @Test
    public void aMissingSecondFactorDoesNotTellWhetherThePasswordWasRight() throws Exception {
        HttpResponse<String> wrong = send("POST", "/api/v1/session", "{\"user\":\"op5\",\"password\":\"not the "
                + "password\"}", Map.of());
        HttpResponse<String> right = send("POST", "/api/v1/session", "{\"user\":\"op5\",\"password\":\"" + PASSWORD
                + "\"}", Map.of());
        assertEquals(wrong.body(), 401, wrong.statusCode());
        assertEquals(wrong.statusCode(), right.statusCode());
        assertEquals(wrong.body(), right.body());
        HttpResponse<String> withCode = send("POST", "/api/v1/session", "{\"user\":\"op5\",\"password\":\""
                + PASSWORD + "\",\"otp\":\"" + TotpCodes.now(op5Secret) + "\"}", Map.of());
        assertEquals(withCode.body(), 200, withCode.statusCode());
    }

    /**
     * Proves weak RSA keys are refused (item 14): OpenSSH's 1024-bit RSA key for op6 is refused by user:key-add with the
     * reason, and OpenSSH cannot log in with it.
     */
    @Test
    public void anRsaKeyBelow2048BitsIsRefused() throws Exception {
        type("user:key-add op6 " + Files.readString(home.resolve("op6_rsa1024.pub")).strip());
        awaitConsole("RSA key of 1024 bits (at least 2048 are needed)");
        type("user:keys op6");
        awaitConsole("op6 has no SSH keys."); // the refused key was not added
        List<String> command = new ArrayList<>(sshCommand("op6", "user:whoami"));
        command.set(command.indexOf(home.resolve("op6_ed25519").toString()), home.resolve("op6_rsa1024").toString());
        Process ssh = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 255, ssh.exitValue());
        assertFalse(out, out.contains("op6 (operator"));
    }

    /** Proves the whole-trail verification is for auditors and admins only (item 8): a hospital admin gets a 403. */
    @Test
    public void onlyAuditorsAndAdminsVerifyTheTrail() throws Exception {
        HttpResponse<String> hospitalAdmin = get("/api/v1/audit/verify", hospitalAdminToken);
        assertEquals(hospitalAdmin.body(), 403, hospitalAdmin.statusCode());
        HttpResponse<String> auditor = get("/api/v1/audit/verify", auditorToken);
        assertEquals(auditor.body(), 200, auditor.statusCode());
        assertTrue(auditor.body(), JSON.readTree(auditor.body()).get("intact").asBoolean());
        assertEquals(200, get("/api/v1/audit/verify", adminToken).statusCode());
        assertEquals("the trail itself stays readable to a hospital admin", 200,
                get("/api/v1/audit?tenant=stmary", hospitalAdminToken).statusCode());
    }

    private static List<String> sshCommand(String user, String command) {
        List<String> out = new ArrayList<>(List.of("ssh", "-p", String.valueOf(sshPort), "-i",
                home.resolve(user + "_ed25519").toString(), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", user + "@127.0.0.1"));
        if (command != null) {
            out.add(command);
        }
        return out;
    }



    private static void type(String line) throws IOException {
        synchronized (RemoteSessionsIT.class) {
            console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
        }
    }

    /** Waits until the container's console output (standard output and error) shows {@code text}; returns all of it. */
    private static String awaitConsole(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String all = Files.readString(home.resolve("stdout.txt")) + Files.readString(home.resolve("stderr.txt"));
            if (all.contains(text)) {
                return all;
            }
            assertTrue("'" + text + "' never appeared on the console:\n" + all, System.nanoTime() < deadline
                    && process.isAlive());
            Thread.sleep(100);
        }
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, null, token == null ? Map.of() : bearer(token));
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
