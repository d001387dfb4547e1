package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.carehost.audit.AuditLog;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.ssh.SshEndpoint;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The SSH shell (issue 19, items 3 and 8) with Apache SSHD's own client over loopback, on a free port: ed25519 keys,
 * one-off commands with their exit status, the interactive shell with completion, role refusals audited, unknown
 * keys and passwords refused, a taken port logged while the container runs on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SshIT {

    private static final String PASSWORD = "correct horse battery staple";

    @Inject
    BundleContext context;
    @Inject
    OperatorAccounts accounts;
    @Inject
    ConfigurationAdmin configurations;
    @Inject
    AuditLog audit;

    private SshClient client;
    private int port;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("ssh"), ContainerOptions.gogoCommands(),
                ContainerOptions.ssh()};
    }

    @Before
    public void listenOnAFreePort() throws Exception {
        port = listen(freePort());
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    @After
    public void stopClient() throws IOException {
        client.stop();
    }

    /** Proves an ed25519 key logs an admin in and a one-off command prints its output and exits 0 (item 3). */
    @Test
    public void anAdminRunsAOneOffCommandWithAnEd25519Key() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        accounts.add("ssh.admin", Set.of(Role.ADMIN), Set.of(), PASSWORD.toCharArray());
        accounts.addKey("ssh.admin", PublicKeyEntry.toString(key.getPublic()) + " test");
        Result list = exec("ssh.admin", key, "plugin:list");
        assertEquals(list.err, 0, list.status);
        assertTrue(list.out, list.out.contains("SYMBOLIC NAME"));
        Result whoami = exec("ssh.admin", key, "user:whoami");
        assertTrue(whoami.out, whoami.out.startsWith("ssh.admin (admin; accounts)"));
        AuditRecord login = records("ssh.admin", AuditOutcome.SUCCESS).stream()
                .filter(r -> r.operation().equals("login")).findFirst().orElseThrow();
        assertTrue(login.query(), login.query().startsWith("public key SHA256:") && login.query().contains("127.0.0.1"));
        Result failing = exec("ssh.admin", key, "plugin:info no.such.plugin");
        assertEquals(1, failing.status);
        assertTrue(failing.err, failing.err.startsWith("Error: plugin:info no.such.plugin: "));
    }

    /** Proves the auditor's plugin:stop is refused with a clear message, exit status 1, and audited (item 3). */
    @Test
    public void anAuditorMayNotStopAPlugin() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        accounts.add("ssh.auditor", Set.of(Role.AUDITOR), Set.of(), PASSWORD.toCharArray());
        accounts.addKey("ssh.auditor", PublicKeyEntry.toString(key.getPublic()));
        Result stop = exec("ssh.auditor", key, "plugin:stop org.carehost.sample.hello");
        assertEquals(1, stop.status);
        assertTrue(stop.err, stop.err.contains(
                "Refused: ssh.auditor (auditor) may not run plugin:stop; it needs the role admin or operator"));
        assertTrue(records("ssh.auditor", AuditOutcome.DENIED).stream()
                .anyMatch(r -> r.operation().equals("shell.command") && r.reason().contains("plugin:stop")));
        assertEquals(0, exec("ssh.auditor", key, "audit:verify").status);
    }

    /** Proves item 8: an unknown key and a password (off by default) are refused, and the failure audited. */
    @Test
    public void anUnknownKeyAndAPasswordAreRefused() throws Exception {
        KeyPair known = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        KeyPair stranger = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        accounts.add("ssh.op", Set.of(Role.OPERATOR), Set.of(), PASSWORD.toCharArray());
        accounts.addKey("ssh.op", PublicKeyEntry.toString(known.getPublic()));
        try (ClientSession session = connect("ssh.op")) {
            session.addPublicKeyIdentity(stranger);
            assertThrows(Exception.class, () -> session.auth().verify(Duration.ofSeconds(20)));
        }
        try (ClientSession session = connect("ssh.op")) {
            session.addPasswordIdentity(PASSWORD);
            assertThrows(Exception.class, () -> session.auth().verify(Duration.ofSeconds(20)));
        }
        assertTrue(records("ssh.op", AuditOutcome.DENIED).stream()
                .anyMatch(r -> r.operation().equals("login") && r.reason().startsWith("unknown key SHA256:")));
        assertEquals(0, exec("ssh.op", known, "plugin:list").status);
    }

    /** Proves the interactive shell: a prompt, Tab completion of allowed commands, and exit ends only the session. */
    @Test
    public void theInteractiveShellCompletesAndExitLogsOut() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        accounts.add("ssh.shell", Set.of(Role.OPERATOR), Set.of(), PASSWORD.toCharArray());
        accounts.addKey("ssh.shell", PublicKeyEntry.toString(key.getPublic()));
        try (ClientSession session = connect("ssh.shell")) {
            session.addPublicKeyIdentity(key);
            session.auth().verify(Duration.ofSeconds(20));
            try (ChannelShell shell = session.createShellChannel()) {
                PipedOutputStream typing = new PipedOutputStream();
                shell.setIn(new PipedInputStream(typing));
                Screen screen = new Screen();
                shell.setOut(screen);
                shell.setErr(screen);
                shell.open().verify(Duration.ofSeconds(20));
                screen.await("ssh.shell@carehost> ");
                typing.write("user:whoa\t\r".getBytes(StandardCharsets.UTF_8));
                typing.flush();
                screen.await("ssh.shell (operator; accounts)");
                typing.write("exit\r".getBytes(StandardCharsets.UTF_8));
                typing.flush();
                assertTrue(shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20))
                        .contains(ClientChannelEvent.CLOSED));
            }
        }
        assertTrue("the container still runs", context.getBundle(0).getState() == org.osgi.framework.Bundle.ACTIVE);
    }

    /** Proves a taken port is an error in the log and the container runs on without the listener. */
    @Test
    public void aTakenPortIsLoggedAndTheContainerRunsOn() throws Exception {
        BlockingQueue<LogEntry> errors = new LinkedBlockingQueue<>();
        ServiceTracker<LogReaderService, LogReaderService> readers = new ServiceTracker<>(context, LogReaderService.class, null);
        readers.open();
        LogReaderService reader = readers.waitForService(10_000);
        LogListener listener = entry -> {
            if (entry.getLogLevel() == LogLevel.ERROR && entry.getBundle() != null
                    && "org.carehost.ssh".equals(entry.getBundle().getSymbolicName())) {
                errors.add(entry);
            }
        };
        reader.addLogListener(listener);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            configure(taken.getLocalPort());
            LogEntry error = errors.poll(30, TimeUnit.SECONDS);
            assertTrue("an error is logged", error != null);
            assertTrue(error.getMessage(), error.getMessage().contains(String.valueOf(taken.getLocalPort())));
            assertTrue(context.getServiceReferences(SshEndpoint.class, null).isEmpty());
        } finally {
            reader.removeLogListener(listener);
            readers.close();
        }
        port = listen(freePort()); // and it listens again once the port is free to choose
    }

    private record Result(int status, String out, String err) {
    }

    private Result exec(String user, KeyPair key, String command) throws Exception {
        try (ClientSession session = connect(user)) {
            session.addPublicKeyIdentity(key);
            session.auth().verify(Duration.ofSeconds(20));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (ChannelExec exec = session.createExecChannel(command)) {
                exec.setOut(out);
                exec.setErr(err);
                exec.open().verify(Duration.ofSeconds(20));
                exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60));
                Integer status = exec.getExitStatus();
                return new Result(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private ClientSession connect(String user) throws IOException {
        return client.connect(user, "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession();
    }

    private java.util.List<AuditRecord> records(String user, AuditOutcome outcome) {
        return audit.query(new AuditQuery(null, null, user, outcome, null, null, 0, 100))
                .items();
    }

    /** Configures the SSH shell on {@code port} and waits until it listens there. */
    private int listen(int wanted) throws Exception {
        configure(wanted);
        ServiceTracker<SshEndpoint, SshEndpoint> tracker = new ServiceTracker<>(context,
                FrameworkUtil.createFilter("(&(objectClass=" + SshEndpoint.class.getName() + ")(carehost.ssh.port="
                        + wanted + "))"), null);
        tracker.open();
        try {
            SshEndpoint endpoint = tracker.waitForService(30_000);
            assertTrue("SSH listens on " + wanted + "; " + diagnosis(), endpoint != null);
            return endpoint.address().getPort();
        } finally {
            tracker.close();
        }
    }

    /** The SSH bundle's state and its component's, for a failure message. */
    private String diagnosis() {
        StringBuilder out = new StringBuilder();
        for (org.osgi.framework.Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null && (bundle.getSymbolicName().contains("ssh")
                    || bundle.getSymbolicName().contains("bc") || bundle.getSymbolicName().contains("operators"))) {
                out.append(bundle.getSymbolicName()).append('=').append(bundle.getState()).append(' ');
            }
        }
        ServiceTracker<org.osgi.service.component.runtime.ServiceComponentRuntime, org.osgi.service.component.runtime.ServiceComponentRuntime> scr =
                new ServiceTracker<>(context, org.osgi.service.component.runtime.ServiceComponentRuntime.class, null);
        scr.open();
        try {
            var runtime = scr.waitForService(5_000);
            for (var description : runtime.getComponentDescriptionDTOs()) {
                if (description.name.contains("ssh") || description.name.contains("Operator")
                        || description.name.contains("Logins")) {
                    for (var configuration : runtime.getComponentConfigurationDTOs(description)) {
                        out.append(description.name).append(" state ").append(configuration.state).append(' ')
                                .append(configuration.failure == null ? "" : configuration.failure).append(' ');
                        for (var unsatisfied : configuration.unsatisfiedReferences) {
                            out.append("waits for ").append(unsatisfied.name).append(' ');
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scr.close();
        }
        return out.toString();
    }

    private void configure(int wanted) throws IOException {
        Path hostKey = Fixtures.workFolder("carehost-ssh-key").resolve("ssh-host-key");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("address", "127.0.0.1");
        properties.put("port", wanted);
        properties.put("hostKey", hostKey.toString());
        configurations.getConfiguration("org.carehost.ssh", "?").update(properties);
        Files.createDirectories(hostKey.getParent());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What the shell printed so far; {@link #await} waits for a text to appear (or fails after 30 s). */
    private static final class Screen extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!bytes.toString(StandardCharsets.UTF_8).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("'" + text + "' never appeared; the screen shows:\n"
                            + bytes.toString(StandardCharsets.UTF_8));
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }
}
