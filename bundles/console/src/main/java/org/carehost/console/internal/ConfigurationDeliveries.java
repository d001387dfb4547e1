package org.carehost.console.internal;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;

/**
 * Waits until Config Admin has delivered every configuration queued before the call: the container stops only then.
 * <p>
 * Felix HTTP starts Jetty, and opens its whiteboard trackers, inside the delivery of its configuration, on Config
 * Admin's thread ({@code org.apache.felix.http.require.config} in runtime.bndrun). A container stopped during that
 * delivery (a short script on a first start, when Jetty comes up late) unregisters servlets that Felix HTTP is still
 * adding: Felix HTTP then logs "Exception while unregistering whiteboard service" (a NullPointerException on the
 * service's bundle, already gone), and its own stop runs beside its unfinished start. So the stop waits for that
 * delivery to end: Jetty started, or its start failed (a port taken), or HTTP is off.
 * <p>
 * How it knows: a {@link ManagedService} registered here for a pid that has no configuration is given {@code null}
 * by Felix Config Admin on the same single thread, in order, after every delivery queued before it (its update
 * thread, a FIFO queue; Felix Config Admin 1.9.26, runtime.bndrun). When that call comes, every earlier delivery has
 * returned. With nothing queued, that is at once.
 */
final class ConfigurationDeliveries {

    /**
     * At most this long: a delivery that hangs (a managed service that never returns) must not keep the container
     * from stopping. Config Admin itself waits 5 s for its thread when it stops.
     */
    static final Duration BOUND = Duration.ofSeconds(10);

    private ConfigurationDeliveries() {
    }

    /**
     * Returns once Config Admin has delivered what was queued before this call, or after {@link #BOUND}; false then,
     * or when Config Admin is not there.
     */
    static boolean awaitQueued(BundleContext context) throws InterruptedException {
        try {
            if (context.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class) == null) {
                return false; // nothing delivers configurations now, and nothing is being delivered
            }
        } catch (IllegalStateException stopping) {
            return false; // this bundle's context is no longer valid: the container is stopping already
        }
        CountDownLatch delivered = new CountDownLatch(1);
        Dictionary<String, Object> properties = new Hashtable<>();
        // A pid of its own each time: no configuration can exist for it, so nothing but null is ever delivered.
        properties.put(Constants.SERVICE_PID, "org.carehost.console.delivered." + UUID.randomUUID());
        ServiceRegistration<ManagedService> marker;
        try {
            marker = context.registerService(ManagedService.class, configuration -> delivered.countDown(), properties);
        } catch (IllegalStateException stopping) {
            return false; // this bundle is stopping already
        }
        try {
            return delivered.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            try {
                marker.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with the bundle
            }
        }
    }
}
