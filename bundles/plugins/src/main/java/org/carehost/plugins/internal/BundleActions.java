package org.carehost.plugins.internal;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.carehost.plugins.PluginException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The framework operations {@link PluginManagerImpl} and {@link BatchInstall} build on, each turned into a plain
 * outcome or a {@link PluginException} with a next step: refreshing the wiring (and waiting for it), waiting for a
 * bundle to go, uninstalling what must not stay, and the words for an install the framework refused.
 */
final class BundleActions {

    static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;
    private final java.util.function.LongSupplier heldSeconds;

    /** {@code heldSeconds}: the plugin manager's bound on plugin code run by a start or stop ({@link #bounded}). */
    BundleActions(BundleContext context, java.util.function.LongSupplier heldSeconds) {
        this.context = context;
        this.heldSeconds = heldSeconds;
    }

    /** The plugin manager's bound on plugin code run by a start or stop, in seconds. */
    long heldSeconds() {
        return heldSeconds.getAsLong();
    }

    /** A framework call that may run a plugin's code: its activator, its components' constructors, activate, deactivate. */
    interface FrameworkCall {
        void run() throws BundleException;
    }

    /**
     * Runs a framework call that runs plugin code (start, stop, update, uninstall) on a daemon thread of its own,
     * {@code carehost-lifecycle-<bsn>}, and waits for it up to the plugin manager's bound: an operator's command (or
     * an upload's, a catalog's) answers then, however long the plugin's code takes, instead of holding the operator's
     * session with it. The call goes on; the plugin manager reports a plugin whose code holds a thread past the bound
     * ({@link HeldLifecycle}). Its own thread also keeps the caller's care context and identity away from the plugin's
     * code. What the call throws is thrown here.
     */
    void bounded(Bundle bundle, String doing, FrameworkCall call) throws BundleException, PluginException {
        refuseWhileBusy(bundle);
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        // Not inheriting the caller's inheritable thread locals: the shell's is the operator's output (Gogo's
        // ThreadPrintStream), where the plugin's prints would pass for the command's own, unmarked.
        Thread thread = new Thread(null, () -> {
            try {
                call.run();
                done.complete(null);
            } catch (Throwable e) { // handed to the caller, whatever it is
                done.completeExceptionally(e);
            }
        }, "carehost-lifecycle-" + bundle.getSymbolicName(), 0, false);
        thread.setDaemon(true);
        thread.start();
        long seconds = heldSeconds.getAsLong();
        try {
            done.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + " did not finish " + doing
                    + " within " + seconds + " s: plugin code run on the way (its "
                    + "activator, a component's constructor, activate or deactivate, or another plugin's listener or "
                    + "service) has not returned. The command gives up waiting; past the plugin manager's bound the plugin "
                    + "whose code holds it is reported FAILED, and quarantined when that is certain (plugin:list, "
                    + "plugin:why), and a restart of the container comes up without it.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while waiting for plugin " + PluginManagerImpl.name(bundle) + " "
                    + doing + "; it goes on (plugin:list shows its state).", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BundleException bundleException) {
                throw bundleException;
            }
            if (cause instanceof PluginException pluginException) {
                throw pluginException;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + " " + doing + ": " + cause, cause);
        }
    }

    /**
     * Refuses a call on a plugin whose start or stop is under way and has not finished: its lock is held, so the call
     * would wait behind it, on one more thread.
     */
    static void refuseWhileBusy(Bundle bundle) throws PluginException {
        int state = bundle.getState();
        if (state == Bundle.STARTING && !HeldLifecycle.waitsForLazyActivation(bundle) || state == Bundle.STOPPING) {
            throw new PluginException("Plugin " + PluginManagerImpl.name(bundle) + " is " + (state == Bundle.STARTING
                    ? "starting" : "stopping") + " already, and that has not finished: nothing was done. plugin:why "
                    + bundle.getSymbolicName() + " says what holds it.");
        }
    }

    /** Refreshes the wiring of {@code bundle} (null: of every bundle pending removal) and waits for it to end. */
    void refresh(Bundle bundle) throws PluginException {
        CountDownLatch done = new CountDownLatch(1);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        wiring.refreshBundles(bundle == null ? null : List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new PluginException("Refreshing the wiring took more than " + REFRESH_TIMEOUT_SECONDS
                        + " s; check plugin:list.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("Interrupted while refreshing the wiring.", e);
        }
    }

    /** Waits up to {@code millis} for the bundle to be uninstalled (by FileInstall, after its file went). */
    static void waitUntilGone(Bundle bundle, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (bundle.getState() != Bundle.UNINSTALLED && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What an install or update refused by the framework tells the operator. */
    static String installFailure(BundleException e) {
        if (e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR) {
            return "a plugin with the same symbolic name and version is already installed (" + e.getMessage()
                    + "); plugin:update replaces it.";
        }
        return e.getMessage();
    }

    static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException alreadyGone) {
            // nothing installed is left either way
        }
    }
}
