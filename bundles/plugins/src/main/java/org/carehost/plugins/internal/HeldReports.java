package org.carehost.plugins.internal;

import java.util.List;
import java.util.function.Supplier;

import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * What is done with a plugin whose code has held a thread that starts or stops plugins past {@code heldSeconds}
 * ({@link HeldLifecycle}): FAILED posted and audited once, and, when its holder is certain, quarantined, so that it is
 * stopped once its code returns and not started again at the next start (the hold itself Java cannot end). Holds are
 * looked for each second on the plugin manager's checker thread ({@link HeldLifecycle} says which are passed over
 * while the framework stops).
 */
final class HeldReports {

    private final BundleContext context;
    private final HeldLifecycle held;
    private final LifecyclePosts posts;
    private final Supplier<SecurityAdmin> security;
    private final Logger log;

    HeldReports(BundleContext context, HeldLifecycle held, LifecyclePosts posts, Supplier<SecurityAdmin> security,
            Logger log) {
        this.context = context;
        this.held = held;
        this.posts = posts;
        this.security = security;
        this.log = log;
    }

    void check(long heldSeconds) {
        List<HeldLifecycle.Held> holds;
        try {
            holds = held.check(heldSeconds, System.nanoTime(), context.getBundle(0).getState() == Bundle.STOPPING);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            log.debug("Held-code check skipped: {}", e.toString());
            return;
        }
        for (HeldLifecycle.Held hold : holds) {
            Bundle bundle = hold.bundle();
            try { // each hold on its own: one that cannot be reported does not keep the others from it
                posts.failed(bundle.getBundleId(), PluginIdentity.of(bundle), hold.sentence());
                SecurityAdmin admin = security.get();
                if (admin != null && hold.certain()) {
                    admin.quarantine(bundle, "keep a thread that starts or stops plugins: " + hold.reason());
                }
            } catch (RuntimeException e) {
                log.warn("Plugin {} holds a thread that starts or stops plugins ({}), and could not be reported: {}",
                        bundle.getSymbolicName(), hold.reason(), e.toString());
            }
        }
    }

    /** The holds past the bound that still hold, in words. */
    List<String> stillHeld() {
        return held.stillHeld();
    }
}
