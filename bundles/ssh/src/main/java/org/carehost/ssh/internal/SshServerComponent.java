package org.carehost.ssh.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Hashtable;

import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.carehost.operators.Logins;
import org.carehost.shell.OperatorShell;
import org.carehost.ssh.SshEndpoint;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The SSH server (Apache SSHD): listens where {@code etc/org.carehost.ssh.cfg} says (127.0.0.1:8101 by default), logs
 * operators in through {@link Logins} (public keys; passwords only when enabled), and runs the interactive shell and
 * one-off commands in {@link OperatorShell} sessions. No port forwarding, agent forwarding, SCP or SFTP. A port that
 * cannot be bound is one error line in the log; the container runs on without SSH. A configuration change restarts it.
 */
@Component(immediate = true, configurationPid = "org.carehost.ssh", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SshConfiguration.class)
public final class SshServerComponent {

    private final Logger log;
    private SshServer server;
    private ServiceRegistration<SshEndpoint> registration;

    @Activate
    public SshServerComponent(BundleContext context, SshConfiguration configuration, @Reference Logins logins,
            @Reference OperatorShell shell, @Reference(service = LoggerFactory.class) Logger logger) {
        this.log = logger;
        if (!configuration.enabled()) {
            log.info("SSH shell disabled (enabled=false in etc/org.carehost.ssh.cfg)");
            return;
        }
        // SSHD finds its security providers and I/O factory through the thread's context class loader: give it its own.
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(SshServer.class.getClassLoader());
        try {
            start(context, configuration, logins, shell);
        } catch (RuntimeException | LinkageError e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            log.error("SSH shell not started: Apache SSHD could not be set up ({}). The container runs on without SSH.",
                    cause.toString(), e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private void start(BundleContext context, SshConfiguration configuration, Logins logins, OperatorShell shell) {
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
        try {
            Files.createDirectories(hostKey.getParent());
            hostKeys.loadKeys(null); // made now (on the first start), so that its permissions can be set at once
            ssh.start();
        } catch (IOException | RuntimeException e) {
            String taken = e instanceof BindException || e.getCause() instanceof BindException
                    ? "the port is taken or the address is not this machine's" : e.toString();
            log.error("SSH shell not started: cannot listen on {}:{} ({}); set address and port in "
                    + "etc/org.carehost.ssh.cfg. The container runs on without SSH.", configuration.address(),
                    configuration.port(), taken);
            stopQuietly(ssh);
            return;
        }
        restrict(hostKey);
        server = ssh;
        InetSocketAddress bound = bound(ssh, configuration);
        log.info("SSH shell listening on {}:{} (ssh -p {} <user>@{})", bound.getHostString(), bound.getPort(),
                bound.getPort(), bound.getHostString());
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("carehost.ssh.address", bound.getHostString());
        properties.put("carehost.ssh.port", bound.getPort());
        properties.put("carehost.listener", "ssh://" + bound.getHostString() + ":" + bound.getPort());
        registration = context.registerService(SshEndpoint.class, () -> bound, properties);
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
