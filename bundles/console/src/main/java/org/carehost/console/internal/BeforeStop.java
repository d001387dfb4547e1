package org.carehost.console.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * What the launcher's shutdown hook (SIGTERM, Ctrl-C) runs before it stops the framework, found by the service property
 * {@value #PROPERTY} on a {@link Runnable} (a JDK type, which the launcher on the framework's class path sees): waits,
 * bounded, until Config Admin has delivered what was queued ({@link ConfigurationDeliveries}), as {@code exit} and the
 * end of a script do. A SIGTERM during a first start otherwise stopped Felix HTTP's servlets while its configuration's
 * delivery was still starting Jetty, and Felix HTTP logged an ERROR with a stack trace.
 */
@Component(service = Runnable.class, property = BeforeStop.PROPERTY + ":Boolean=true")
public final class BeforeStop implements Runnable {

    /** The service property the launcher looks for; the launcher's {@code Boot} names it too. */
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
