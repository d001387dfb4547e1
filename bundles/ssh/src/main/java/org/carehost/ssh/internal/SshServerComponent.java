package org.carehost.ssh.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.carehost.clock.ContainerClock;
import org.carehost.operators.Logins;
import org.carehost.shell.OperatorShell;
import org.carehost.ssh.SshEndpoint;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The SSH server (Apache SSHD): listens where {@code etc/org.carehost.ssh.cfg} says (127.0.0.1:8101 by default), logs
 * operators in through {@link Logins} (public keys; passwords only when enabled), and runs the interactive shell and
 * one-off commands in {@link OperatorShell} sessions. No port forwarding, agent forwarding, SCP or SFTP. A port that
 * cannot be bound is one error line in the log; the container runs on without SSH, and the listener tries the port
 * again after 10 s, then 20, 40 and every 60 s, until it listens (one INFO line), the component is deactivated or
 * another configuration arrives. Before, it never tried again (tryout 16). A change of a setting restarts it;
 * a configuration that changes none (a rejected one: the last good one again) changes nothing ({@link #modified}).
 *
 * <p>The server starts on a thread of its own ({@code carehost-ssh-start}), off the container's start: setting up
 * SSHD and Bouncy Castle and reading (on a first start, making) the host key was about 5 % of a start's CPU, spent
 * while every later bundle waited. Readiness stays truthful: this component is also a health check tagged
 * {@code systemready}, CRITICAL while the server is starting, OK once it listens or when disabled, WARN while it does
 * not listen (said in the log; readiness counts WARN as ready, so the container is not held up, but the status line
 * does not say OK); the container is ready, and a script's first command runs, only after that.
 *
 * <p>The configuration is required: the component never listens on its defaults while {@code etc/org.carehost.ssh.cfg}
 * is still on its way (the deploy watcher delivers it at start level 40, after this bundle starts at 19). With no such
 * file, {@link SshDefaults} gives it a configuration of its defaults.
 */
@Component(immediate = true, configurationPid = SshServerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = HealthCheck.class, property = { HealthCheck.NAME + "=SSH shell",
                HealthCheck.TAGS + "=systemready" })
@Designate(ocd = SshConfiguration.class)
public final class SshServerComponent implements HealthCheck {

    static final String PID = "org.carehost.ssh";
    private static final long START_WAIT_MILLIS = 60_000;
    /** The first wait before binding a taken port again; each next wait doubles, up to {@link #LAST_RETRY_MILLIS}. */
    private static final long FIRST_RETRY_MILLIS = 10_000;
    private static final long LAST_RETRY_MILLIS = 60_000;

    /** The settings the listener was started with: a change to anything else restarts it, nothing else does. */
    private record Settings(boolean enabled, String address, int port, boolean passwordLogin, String hostKey,
            int idleSeconds) {
        static Settings of(SshConfiguration c) {
            return new Settings(c.enabled(), c.address(), c.port(), c.passwordLogin(), c.hostKey(), c.idleSeconds());
        }
    }

    private final Logger log;
    private final BundleContext context;
    private final Sessions sessions;
    private final OperatorShell shell;
    private volatile Thread starter;
    private volatile Settings settings;
    /** What the start came to, for the health check; null while starting. */
    private volatile String outcome;
    /** Whether the server listens now (the health check's OK). */
    private volatile boolean listening;
    private boolean deactivated;
    private SshServer server;
    private ServiceRegistration<SshEndpoint> registration;

    @Activate
    public SshServerComponent(BundleContext context, SshConfiguration configuration, @Reference Logins logins,
            @Reference OperatorShell shell, @Reference(service = LoggerFactory.class) Logger logger,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.log = logger;
        this.context = context;
        this.sessions = new Sessions(logins, clock);
        this.shell = shell;
        begin(configuration);
    }

    private void begin(SshConfiguration configuration) {
        settings = Settings.of(configuration);
        if (!configuration.enabled()) {
            log.info("SSH shell disabled (enabled=false in etc/org.carehost.ssh.cfg)");
            outcome = "disabled (enabled=false in etc/org.carehost.ssh.cfg)";
            starter = null;
            return;
        }
        Thread thread = new Thread(() -> startOnThisThread(context, configuration, sessions, shell),
                "carehost-ssh-start");
        thread.setDaemon(true);
        starter = thread;
        thread.start();
    }

    /**
     * A new delivery of the configuration. The listener restarts (ending open SSH sessions) only when a setting
     * differs from the ones it runs with: a rejected change (a bad value in etc/org.carehost.ssh.cfg) reaches this
     * component as the last good configuration again ({@code ConfigGuard}, bundles/config), and SCR, with no modified
     * method, restarted the component for it, cutting every session (and with port=0 moving the listener) while the
     * log said the last good configuration stayed in effect.
     */
    @Modified
    void modified(SshConfiguration configuration) {
        Settings wanted = Settings.of(configuration);
        if (wanted.equals(settings)) {
            return;
        }
        log.info("SSH settings changed in etc/org.carehost.ssh.cfg: the SSH shell restarts (open sessions end)");
        deactivate();
        synchronized (this) {
            deactivated = false;
        }
        outcome = null;
        begin(configuration);
    }

    /**
     * CRITICAL while starting; OK once it listens or when disabled; WARN while it does not listen (a port taken: it
     * retries; SSHD or the host key could not be set up), which readiness counts as ready ({@code carehost:status},
     * {@code /health/ready} and script mode), so that the container runs on without SSH, but never reads as OK.
     */
    @Override
    public Result execute() {
        String done = outcome;
        if (done == null) {
            return new Result(Result.Status.CRITICAL, "the SSH shell is starting");
        }
        return new Result(listening || !settings.enabled() ? Result.Status.OK : Result.Status.WARN, "SSH shell " + done);
    }

    private void startOnThisThread(BundleContext context, SshConfiguration configuration, Sessions logins,
            OperatorShell shell) {
        // SSHD finds its security providers and I/O factory through the thread's context class loader: give it its own.
        Thread.currentThread().setContextClassLoader(SshServer.class.getClassLoader());
        long delay = FIRST_RETRY_MILLIS;
        boolean failed = false;
        try {
            while (true) {
                String taken = start(context, configuration, logins, shell);
                if (taken == null) {
                    return; // listening (said in the log), or deactivated meanwhile
                }
                String where = configuration.address() + ":" + configuration.port();
                if (!failed) {
                    // Once: the retries below are quiet, and the start once the port is free is one INFO line.
                    log.error("SSH shell not started: cannot listen on {}: {}; it tries again every {} s, then less "
                            + "often (at most a minute apart), and starts once it can; or set port (or address) in "
                            + "etc/org.carehost.ssh.cfg. The container runs on without SSH meanwhile.", where, taken,
                            FIRST_RETRY_MILLIS / 1000);
                    failed = true;
                }
                outcome = "not listening: cannot listen on " + where + " (" + taken + "); it tries again every "
                        + delay / 1000 + " s (see the log)";
                if (!pause(delay)) {
                    return; // deactivated, or another configuration: that one's start takes over
                }
                delay = Math.min(delay * 2, LAST_RETRY_MILLIS);
            }
        } catch (IOException e) {
            log.error("SSH shell not started: its host key {} could not be read or made ({}). The container runs on "
                    + "without SSH.", configuration.hostKey(), e.toString(), e);
            outcome = "not started: its host key could not be read or made (see the log)";
        } catch (RuntimeException | LinkageError e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            log.error("SSH shell not started: Apache SSHD could not be set up ({}). The container runs on without SSH.",
                    cause.toString(), e);
            outcome = "not started: Apache SSHD could not be set up (see the log)";
        }
    }

    /** Waits {@code millis} before another try; false once the component is deactivated (or reconfigured). */
    private synchronized boolean pause(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (!deactivated) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return true;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Starts the server. Returns null once it listens (or when the component was deactivated meanwhile), or, when the
     * address and port cannot be bound now, why, in words: the caller tries again later. Anything else that fails
     * (SSHD, the host key) is thrown, and not tried again.
     */
    private String start(BundleContext context, SshConfiguration configuration, Sessions logins, OperatorShell shell)
            throws IOException {
        SshServer ssh = SshServer.setUpDefaultServer();
        ssh.setHost(configuration.address());
        ssh.setPort(configuration.port());
        Path hostKey = Paths.get(configuration.hostKey()).toAbsolutePath();
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(hostKey);
        ssh.setKeyPairProvider(hostKeys);
        Authentication authentication = new Authentication(logins);
        ssh.setPublickeyAuthenticator(authentication);
        ssh.setPasswordAuthenticator(configuration.passwordLogin() ? authentication : null);
        // password and one-time code together (keyboard-interactive), so that a role needing a second factor logs in
        ssh.setKeyboardInteractiveAuthenticator(configuration.passwordLogin() ? authentication : null);
        ssh.setShellFactory(channel -> new InteractiveShell(shell, logins));
        ssh.setCommandFactory((channel, command) -> new OneOffCommand(shell, logins, command));
        CoreModuleProperties.IDLE_TIMEOUT.set(ssh, Duration.ofSeconds(configuration.idleSeconds()));
        // A port another process listens on is an error here, not shared.
        CoreModuleProperties.SOCKET_REUSEADDR.set(ssh, false);
        Files.createDirectories(hostKey.getParent());
        hostKeys.loadKeys(null); // made now (on the first start), so that its permissions can be set at once
        try {
            if (!canListen(configuration)) {
                // Said here, before SSHD tries: its acceptor logs a failed bind as an ERROR line of its own.
                throw new BindException("in use");
            }
            ssh.start();
        } catch (IOException | RuntimeException e) {
            stopQuietly(ssh);
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                return "the port is in use by another process (or the address is not this machine's)";
            }
            if (e instanceof IOException) {
                return e.toString();
            }
            throw e;
        }
        restrict(hostKey);
        InetSocketAddress bound = bound(ssh, configuration);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("carehost.ssh.address", bound.getHostString());
        properties.put("carehost.ssh.port", bound.getPort());
        properties.put("carehost.listener", "ssh://" + bound.getHostString() + ":" + bound.getPort());
        synchronized (this) {
            if (deactivated) {
                stopQuietly(ssh);
                return null;
            }
            server = ssh;
            log.info("SSH shell listening on {}:{} (ssh -p {} <user>@{})", bound.getHostString(), bound.getPort(),
                    bound.getPort(), bound.getHostString());
            // Said before the registration, whose service event wakes whoever waits for readiness.
            outcome = "listening on " + bound.getHostString() + ":" + bound.getPort();
            listening = true;
            registration = context.registerService(SshEndpoint.class, () -> bound, properties);
        }
        return null;
    }

    /**
     * Whether the configured address and port can be listened on now, asked of the socket layer itself (a listener
     * bound and closed at once; a port of 0, any free one, always can). SSHD's acceptor logs a failed bind as an ERROR
     * of its own beside this component's line, which names the setting to change: the console had two lines, one
     * without the next step. Another process taking the port between the two binds still gets SSHD's line too.
     */
    private static boolean canListen(SshConfiguration configuration) throws IOException {
        if (configuration.port() == 0) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false); // as SSHD binds (SOCKET_REUSEADDR false, above)
            probe.bind(new InetSocketAddress(configuration.address(), configuration.port()), 1);
            return true;
        } catch (BindException taken) {
            return false;
        }
    }

    private static InetSocketAddress bound(SshServer ssh, SshConfiguration configuration) {
        for (SocketAddress address : ssh.getBoundAddresses()) {
            if (address instanceof InetSocketAddress inet) {
                return new InetSocketAddress(configuration.address(), inet.getPort());
            }
        }
        return new InetSocketAddress(configuration.address(), ssh.getPort());
    }

    private void restrict(Path hostKey) {
        try {
            Files.setPosixFilePermissions(hostKey, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            log.warn("Could not make {} readable by its owner only: {}", hostKey, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            deactivated = true;
            notifyAll(); // a start waiting to bind a taken port again gives up
        }
        Thread running = starter;
        if (running != null && running != Thread.currentThread()) {
            try {
                // A start under way finishes first (then sees the flag), so that no server outlives this component.
                running.join(START_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }

    private synchronized void stop() {
        listening = false;
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (server != null) {
            stopQuietly(server);
            server = null;
        }
    }

    private void stopQuietly(SshServer ssh) {
        try {
            ssh.stop(true);
        } catch (IOException e) {
            log.warn("SSH server did not stop cleanly: {}", e.toString());
        }
    }
}
