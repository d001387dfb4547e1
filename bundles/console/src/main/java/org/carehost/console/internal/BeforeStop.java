package org.carehost.console.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * What the launcher's shutdown hook (SIGTERM, Ctrl-C) runs before it stops the framework: wait until Config Admin has
 * delivered what it has queued ({@link ConfigurationDeliveries}), so that a container told to stop during a first start
 * does not stop Felix HTTP's servlets while Felix HTTP is still starting. A {@link Runnable} with
 * {@value #PROPERTY}, a type the launcher (on the class path, outside every bundle) shares with the bundles.
 */
@Component(service = Runnable.class, property = BeforeStop.PROPERTY + ":Boolean=true")
public final class BeforeStop implements Runnable {

    /** The service property the launcher looks for (org.carehost.launcher.Boot). */
    static final String PROPERTY = "carehost.before.stop";

    private final BundleContext context;

    @Activate
    public BeforeStop(BundleContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        try {
            ConfigurationDeliveries.awaitQueued(context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
