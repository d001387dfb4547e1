package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.carehost.sdk.event.SecurityEvents;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The run-time layer's network choke points against {@code evil-network}, a plugin granted use:reflection only that
 * names the network by string: datagrams, Unix-domain sockets, name lookups, the JDK HTTP client (whose connections
 * the JDK makes on threads of its own, so the check is on the caller's thread); then, granted use:network narrowed to
 * one host:port and one listening port, the narrowing both ways. Each denial is asserted with what did not happen: the
 * first datagram or connection a loopback listener of the test's own sees is the test's own, no socket file, no
 * answer from the resolver. Refusals count toward an access anomaly. Runs on JDK 17 and 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeNetworkIT {

    private static final String ATTACKER = "org.carehost.fixture.evil.network";
    private static final byte[] MARKER = "the-test's-own".getBytes(StandardCharsets.US_ASCII);

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("runtime-network")};
    }

    @Test
    public void datagramsNeedUseNetwork() throws Exception {
        attacker();
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = receiver.getLocalPort();
            assertDenied(attack("udp-socket:" + port), "use:network");
            assertDenied(attack("udp-connect:" + port), "use:network");
            assertDenied(attack("udp-channel:" + port), "use:network");
            assertFirstDatagramIsOurs(receiver);
        }
    }

    @Test
    public void unixDomainSocketsNeedUseNetworkAndReachTheFileSystem() throws Exception {
        attacker();
        Path folder = Fixtures.workFolder("uds");
        Path path = folder.resolve("listener.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
            assertDenied(attack("uds-connect:" + path), "use:network");
            try (SocketChannel own = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel first = listener.accept()) {
                own.write(ByteBuffer.wrap(MARKER));
                ByteBuffer read = ByteBuffer.allocate(MARKER.length);
                while (read.hasRemaining() && first.read(read) >= 0) {
                    // until the marker is in, or the other end closed (a connection of the plugin's)
                }
                assertEquals("the first connection the listener sees is the test's own", new String(MARKER,
                        StandardCharsets.US_ASCII), new String(read.array(), 0, read.position(), StandardCharsets.US_ASCII));
            }
        }
        Path bound = folder.resolve("evil.sock");
        assertDenied(attack("uds-bind:" + bound), "use:network");
        assertFalse("no socket file", Files.exists(bound));
    }

    @Test
    public void nameLookupsNeedUseNetwork() throws Exception {
        attacker();
        String name = "evil-" + UUID.randomUUID() + ".invalid";
        // denied before the resolver is asked: the plugin gets no UnknownHostException, which an asked resolver gives
        assertDenied(attack("dns:" + name), "look up the host " + name);
        assertDenied(attack("dns-all:" + name), "look up the host " + name);
        assertDenied(attack("dns-socket-address:" + name), "look up the host " + name);
        assertDenied(attack("dns-reverse:127.0.0.1"), "look up the name of 127.0.0.1");
    }

    @Test
    public void theJdkHttpClientIsCheckedOnTheCallersThread() throws Exception {
        attacker();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            // the client opens its selector on the caller's thread first: refused there, before any connection (red
            // team 17: a selector is a descriptor of the process's); the connection itself, were it reached, is too
            assertDenied(attack("http:" + port), "without use:network");
            assertDenied(attack("http-async:" + port), "without use:network");
            assertDenied(attack("websocket:" + port), "without use:network");
            assertFirstConnectionIsOurs(listener);
        }
    }

    /**
     * The container's HttpURLConnection leaves its connection in the JDK's keep-alive cache; the plugin's request to
     * the same host and port would take it without a new socket (which is where the socket hooks check). It is refused
     * before it takes one, and the container's next request goes over the same connection: the plugin's never arrived.
     */
    @Test
    public void aConnectionTheContainerKeptAliveIsNoWayInForAPlugin() throws Exception {
        attacker();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread serving = new Thread(() -> serveKeptAlive(server, requests), "kept-alive-server");
            serving.setDaemon(true);
            serving.start();
            assertEquals("ok", get(port, "/container"));
            assertDenied(attack("url-redirect:" + port), "connect to 127.0.0.1:" + port);
            assertEquals("ok", get(port, "/after"));
            assertEquals("one connection, and only the container's requests on it",
                    List.of("1 GET /container", "1 GET /after"), requests);
        }
    }

    /** The container's own GET, read to its end and closed, so that the JDK keeps its connection alive. */
    private static String get(int port, String path) throws IOException {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:"
                + port + path).openConnection();
        connection.setConnectTimeout(20_000);
        connection.setReadTimeout(20_000);
        try (java.io.InputStream body = connection.getInputStream()) {
            return new String(body.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /**
     * An HTTP/1.1 server that keeps each connection open: every request on it is recorded as "connection method path"
     * (connections numbered from 1) and answered "ok", with a keep-alive time long enough for the whole test.
     */
    private static void serveKeptAlive(ServerSocket server, List<String> requests) {
        int connections = 0;
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            int number = ++connections;
            Thread each = new Thread(() -> {
                try (Socket open = socket;
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                open.getInputStream(), StandardCharsets.US_ASCII))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        String[] request = line.split(" ");
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            // headers: none has a body here (GETs)
                        }
                        requests.add(number + " " + request[0] + " " + (request.length > 1 ? request[1] : ""));
                        open.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                + "Keep-Alive: timeout=120\r\nContent-Length: 2\r\n\r\nok")
                                .getBytes(StandardCharsets.US_ASCII));
                        open.getOutputStream().flush();
                    }
                } catch (IOException ended) {
                    // the client went away
                }
            }, "kept-alive-connection-" + number);
            each.setDaemon(true);
            each.start();
        }
    }

    @Test
    public void useNetworkNarrowedToAHostAndPortIsEnforcedBothWays() throws Exception {
        Bundle plugin = attacker();
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.readString(policy);
        try (ServerSocket allowed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DatagramSocket otherDatagrams = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = allowed.getLocalPort();
            int listenPort = LoopbackPorts.free();
            Files.writeString(policy, before + "\ngrant plugin " + ATTACKER + " use:reflection use:network 127.0.0.1:"
                    + port + " listen:" + listenPort + "\n");
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION)); // an edit reloads the policy before it returns
            Await.until("use:network granted", 30_000, () -> security.report(plugin).granted().contains("use:network"));

            // the host and port it names: a connection arrives, with the plugin's bytes
            allowed.setSoTimeout(30_000);
            assertEquals("done: connected", attack("connect:" + port));
            try (Socket arrived = allowed.accept()) {
                assertEquals("evil-network", new String(arrived.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            }
            // the JDK HTTP client to the named host:port works, though the JDK connects on its own threads
            allowed.setSoTimeout(30_000);
            CompletableFuture<String> http = CompletableFuture.supplyAsync(() -> attackUnchecked("http:" + port));
            try (Socket arrived = accept(allowed, http)) {
                arrived.setSoTimeout(20_000);
                readHeaders(arrived);
                arrived.getOutputStream().write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals("done: status 204", http.get(30, TimeUnit.SECONDS));
            }

            // another port: denied, whichever way, and nothing arrives
            int otherPort = other.getLocalPort();
            assertDenied(attack("connect:" + otherPort), "which its grant does not name");
            assertDenied(attack("http:" + otherPort), "which its grant does not name");
            assertDenied(attack("http-async:" + otherPort), "which its grant does not name");
            // the URI it names, through a proxy it does not: the JDK connects on the client's own threads, which are
            // the plugin's (it started them), so that connection is refused too. The denial is thrown on that thread;
            // the client hands it to the plugin as a ConnectException with the denial's message
            String refusal = "connect to 127.0.0.1:" + otherPort + ", which its grant does not name";
            String proxied = attack("http-proxy:" + port + ":" + otherPort);
            assertTrue(proxied, proxied.contains("may not do this: " + refusal));
            assertTrue(security.denials(50).stream().anyMatch(d -> d.plugin().equals(ATTACKER)
                    && d.reason().contains(refusal)));
            // the host:port it names redirects it to the port it does not: the JDK HTTP client following every
            // redirect (on its own threads, which the plugin started) and HttpURLConnection (on the caller's) are
            // both refused the second connection
            for (String kind : List.of("http-redirect", "url-redirect")) {
                CompletableFuture<String> redirected = CompletableFuture.supplyAsync(() -> attackUnchecked(kind + ":"
                        + port));
                try (Socket arrived = accept(allowed, redirected)) {
                    arrived.setSoTimeout(20_000);
                    readHeaders(arrived);
                    arrived.getOutputStream().write(("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + otherPort
                            + "/stolen\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = redirected.get(30, TimeUnit.SECONDS);
                    assertTrue(kind + ": " + answer, answer.contains(refusal));
                }
            }
            assertFirstConnectionIsOurs(other); // nothing of the plugin's reached the other port, whichever way
            assertDenied(attack("udp-socket:" + otherDatagrams.getLocalPort()), "which its grant does not name");
            assertDenied(attack("udp-channel:" + otherDatagrams.getLocalPort()), "which its grant does not name");
            assertFirstDatagramIsOurs(otherDatagrams);

            // names: only those the grant names are looked up; the address it names may be looked up in reverse
            assertDenied(attack("dns:localhost"), "look up localhost, which its grant does not name");
            String reverse = attack("dns-reverse:127.0.0.1");
            assertTrue(reverse, reverse.startsWith("done: "));
            assertDenied(attack("dns-reverse:127.0.0.2"), "which its grant does not name");

            // listening: only on the port a policy entry names
            assertEquals("done: listening on " + listenPort, attack("listen:" + listenPort));
            int unnamed = LoopbackPorts.free();
            assertDenied(attack("listen:" + unnamed), "which no policy entry names");
        } finally {
            Files.writeString(policy, before);
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION));
        }
        Await.until("use:network gone again", 30_000, () -> !security.report(plugin).granted().contains("use:network"));
    }

    @Test
    public void aBurstOfRunTimeDenialsRaisesAnAccessAnomaly() throws Exception {
        attacker();
        List<Event> anomalies = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, SecurityEvents.ACCESS_ANOMALY);
        org.osgi.framework.ServiceRegistration<EventHandler> watch = context.registerService(EventHandler.class,
                anomalies::add, topics);
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.readString(policy);
        try {
            Files.writeString(policy, before + "\nanomaly denials-per-minute 3\n");
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION));
            for (int i = 0; i < 3; i++) {
                assertDenied(attack("dns:burst-" + i + ".invalid"), "use:network");
            }
            assertTrue("three refusals are within the threshold: " + anomalies, ofAttacker(anomalies).isEmpty());
            assertDenied(attack("dns:burst-4.invalid"), "use:network");
            Await.until("ACCESS_ANOMALY for the fourth refusal within a minute", 10_000,
                    () -> !ofAttacker(anomalies).isEmpty());
            String reason = String.valueOf(ofAttacker(anomalies).get(0).getProperty(SecurityEvents.REASON));
            assertTrue(reason, reason.contains("refused 4 times within a minute"));
            assertTrue(security.denials(50).stream().anyMatch(d -> d.reason().contains("refused 4 times")));
        } finally {
            watch.unregister();
            Files.writeString(policy, before);
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION));
        }
    }

    @Test
    public void aPluginsFragmentAttachesOnlyToItsOwnPlugin() throws Exception {
        Bundle host = attacker();
        java.io.File greeter = ContainerOptions.bundleFile("carehost-fixture-greeter-v1");
        java.io.File work = Fixtures.workFolder("fragments").toFile();
        // a fragment of someone else's plugin: its classes would run with the host's grants
        Bundle foreign = Fixtures.installAsPlugin(context, Fixtures.withManifestHeader(Fixtures.withManifestHeader(greeter,
                "Fragment-Host", ATTACKER, work), "Bundle-SymbolicName", "org.carehost.fixture.stranger",
                Fixtures.workFolder("foreign").toFile()));
        Bundle own = null;
        try {
            refresh(host);
            Await.until("the host runs again", 20_000, () -> Fixtures.hasFunctionProbe(context, "network"));
            assertEquals("the foreign fragment is not attached", Bundle.INSTALLED, foreign.getState());
            String refusals = String.join(" ", security.refusals(foreign));
            assertTrue(refusals, refusals.contains("fragment of the plugin " + ATTACKER + ", which is not its own"));
            // positive control: a fragment of the plugin's own (unsigned: named after it) attaches
            own = Fixtures.installAsPlugin(context, Fixtures.withManifestHeader(Fixtures.withManifestHeader(greeter,
                    "Fragment-Host", ATTACKER, Fixtures.workFolder("own-a").toFile()), "Bundle-SymbolicName",
                    ATTACKER + ".l10n", Fixtures.workFolder("own-b").toFile()));
            refresh(host);
            Bundle attached = own;
            Await.until("its own fragment attaches", 20_000, () -> attached.getState() == Bundle.RESOLVED);
            assertEquals(Bundle.INSTALLED, foreign.getState());
        } finally {
            foreign.uninstall();
            if (own != null) {
                own.uninstall();
            }
            refresh(host);
        }
        attacker();
    }

    private void refresh(Bundle host) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class).refreshBundles(List.of(host),
                event -> done.countDown());
        assertTrue("the refresh ends", done.await(30, TimeUnit.SECONDS));
    }

    // ---- helpers

    private static List<Event> ofAttacker(List<Event> events) {
        return events.stream().filter(e -> ATTACKER.equals(e.getProperty(SecurityEvents.PLUGIN)))
                .collect(java.util.stream.Collectors.toList());
    }

    private Bundle attacker() throws Exception {
        Bundle plugin = Fixtures.installed(context, ATTACKER).orElse(null);
        if (plugin == null) {
            plugin = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-network"));
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION));
        }
        Bundle attacker = plugin;
        Await.until("the attacker runs", 20_000, () -> {
            if (attacker.getState() != Bundle.ACTIVE) {
                try {
                    attacker.start();
                } catch (org.osgi.framework.BundleException notYet) {
                    return false;
                }
            }
            return Fixtures.hasFunctionProbe(context, "network");
        });
        return plugin;
    }

    private String attack(String attack) throws Exception {
        return Fixtures.applyProbe(context, "network", attack);
    }

    private String attackUnchecked(String attack) {
        try {
            return attack(attack);
        } catch (Exception e) {
            return "test failed: " + e;
        }
    }

    /** Sends the test's own datagram and asserts that it is the first the receiver gets. */
    private static void assertFirstDatagramIsOurs(DatagramSocket receiver) throws IOException {
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            sender.send(new DatagramPacket(MARKER, MARKER.length, receiver.getLocalSocketAddress()));
        }
        receiver.setSoTimeout(10_000);
        DatagramPacket first = new DatagramPacket(new byte[64], 64);
        receiver.receive(first);
        assertEquals("the first datagram the receiver gets is the test's own", new String(MARKER,
                StandardCharsets.US_ASCII), new String(first.getData(), 0, first.getLength(), StandardCharsets.US_ASCII));
    }

    /** The next connection, or a failure that says what the plugin answered meanwhile. */
    private static Socket accept(ServerSocket listener, CompletableFuture<String> answer) throws IOException {
        try {
            return listener.accept();
        } catch (java.net.SocketTimeoutException none) {
            throw new AssertionError("no connection arrived; the plugin answered: " + answer.getNow("nothing yet"));
        }
    }

    /** Connects itself and asserts that the first connection the listener accepts is the test's own. */
    private static void assertFirstConnectionIsOurs(ServerSocket listener) throws IOException {
        listener.setSoTimeout(10_000);
        try (Socket own = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket first = listener.accept()) {
            assertEquals("the first connection the listener sees is the test's own", own.getLocalPort(), first.getPort());
        }
    }

    private static void readHeaders(Socket socket) throws IOException {
        java.io.InputStream in = socket.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended before its headers did");
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    private static void assertDenied(String answer, String reasonPart) {
        assertTrue("expected a denial (" + reasonPart + "): " + answer, answer.startsWith("denied: "));
        assertTrue("expected '" + reasonPart + "' in: " + answer, answer.contains(reasonPart));
    }
}
