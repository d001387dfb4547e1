package org.carehost.plugins.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Tells a plugin whose {@code Bundle-Activator} threw when it was started, from the framework's synchronous bundle
 * events: when an activator's {@code start} throws, the framework fires {@code STARTING} and then {@code STOPPING}
 * without {@code STARTED} in between (OSGi Core, "Starting Bundles"). So the plugin manager reports it whoever started
 * the plugin (the deploy watcher, whose own log line goes to the log file only, the shell, another bundle), decided
 * from the events, never from the exception's text. A lazily activated plugin is passed over: its {@code STARTING}
 * does not call the activator. The listener only notes ids; {@code failed} is called on the starting thread and must
 * hand its work elsewhere.
 */
final class ActivatorThrows implements SynchronousBundleListener {

    private final PluginBundles bundles;
    private final Consumer<Bundle> failed;
    private final Set<Long> starting = ConcurrentHashMap.newKeySet();

    ActivatorThrows(PluginBundles bundles, Consumer<Bundle> failed) {
        this.bundles = bundles;
        this.failed = failed;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        long id = bundle.getBundleId();
        switch (event.getType()) {
            case BundleEvent.STARTING:
                if (bundles.isPlugin(bundle) && !lazy(bundle)) {
                    starting.add(id);
                }
                break;
            case BundleEvent.STOPPING:
                if (starting.remove(id)) {
                    failed.accept(bundle);
                }
                break;
            case BundleEvent.STARTED:
            case BundleEvent.STOPPED:
            case BundleEvent.UNINSTALLED:
                starting.remove(id);
                break;
            default:
                break;
        }
    }

    private static boolean lazy(Bundle bundle) {
        String policy = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY);
    }
}
