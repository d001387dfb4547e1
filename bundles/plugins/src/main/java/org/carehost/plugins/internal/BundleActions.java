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

    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;

    BundleActions(BundleContext context) {
        this.context = context;
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
                    + "); update that one, or raise Bundle-Version.";
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
