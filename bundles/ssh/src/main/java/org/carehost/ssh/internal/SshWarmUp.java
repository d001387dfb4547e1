package org.carehost.ssh.internal;

import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Apache SSHD's one-time set-up, begun as soon as Service Component Runtime sees this bundle, on a thread of its own
 * ({@code carehost-ssh-warm-up}): registering its security providers (Bouncy Castle's provider alone loads about 800
 * classes) and initialising its builders' defaults (ciphers, signatures, key exchanges). {@link SshServerComponent}
 * cannot begin before the operators' services are there, late in a start, and a script's first command waits for it
 * (it is a {@code systemready} health check): in a warm start's timeline this set-up was the last thing the start
 * waited for. The server's own start finds it done, or waits for it (the JVM initialises a class once, on one
 * thread). Nothing here listens, reads a key or decides anything; with {@code enabled=false} nothing is done.
 */
@Component(immediate = true, service = {}, configurationPid = "org.carehost.ssh",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class SshWarmUp {

    private static final long STOP_WAIT_MILLIS = 10_000;

    private final Thread thread;

    @Activate
    public SshWarmUp(SshConfiguration configuration) {
        if (!configuration.enabled()) {
            thread = null;
            return;
        }
        thread = new Thread(SshWarmUp::warmUp, "carehost-ssh-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void warmUp() {
        // as the server's start does: SSHD finds its security providers through the context class loader
        Thread.currentThread().setContextClassLoader(SshServer.class.getClassLoader());
        try {
            SecurityUtils.isBouncyCastleRegistered();
            SshServer.setUpDefaultServer();
        } catch (RuntimeException | LinkageError e) {
            // the server's own start meets the same problem and reports it in the log
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (thread != null) {
            thread.join(STOP_WAIT_MILLIS);
        }
    }
}
