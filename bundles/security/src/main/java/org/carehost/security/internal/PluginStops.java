package org.carehost.security.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.log.Logger;

/**
 * Runs what calls into a plugin's code on the security manager's behalf (its stop: the framework runs the
 * plugin's {@code BundleActivator.stop} and SCR its {@code @Deactivate} on the calling thread; its start after a
 * policy change; a quarantine's interrupts, which run a plugin's own {@code Interruptible} channel close) on a daemon
 * thread of its own, named for what it does ({@code carehost-quarantine-<bsn>}, {@code carehost-impostor-stop-<bsn>},
 * {@code carehost-policy-start}), so that plugin code that never returns holds only that thread, never the security
 * manager's worker that audits refusals and carries every later quarantine. Start these threads from the worker: a
 * thread started inside a check (the plugin's thread, a hook) would be checked itself, and would inherit that
 * thread's context.
 */
final class PluginStops {

    private final Logger logger;

    PluginStops(Logger logger) {
        this.logger = logger;
    }

    /**
     * On a thread {@code carehost-<purpose>-<bsn>} of its own: runs {@code first} (which may call plugin code), then
     * stops the plugin. Returns at once.
     */
    void stopApart(String purpose, Bundle plugin, Runnable first) {
        apart("carehost-" + purpose + "-" + plugin.getSymbolicName(), () -> {
            try {
                first.run();
            } catch (RuntimeException e) {
                logger.error("Could not interrupt plugin {} ({}): {}", plugin.getSymbolicName(),
                        purpose, e.toString());
            }
            try {
                plugin.stop();
            } catch (BundleException | IllegalStateException e) {
                logger.error("Could not stop plugin {} ({}): {}", plugin.getSymbolicName(), purpose, e.getMessage());
            }
        });
    }

    /** Runs work that calls plugin code on a daemon thread of its own, so named; returns at once. */
    static void apart(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }
}
