package org.carehost.wasm.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The host services as the WebAssembly plugin's own bundle sees them: looked up through its {@link BundleContext}, so
 * the security manager's service gate decides what it sees, and each service instance is the one bound to that
 * bundle (audited in its name, checked against its grants at every call). Released when the plugin stops.
 */
final class PluginServices implements AutoCloseable {

    private final BundleContext plugin;
    private final Map<Class<?>, Held<?>> held = new ConcurrentHashMap<>();

    private record Held<T>(ServiceReference<T> reference, T service) {
    }

    PluginServices(BundleContext plugin) {
        this.plugin = plugin;
    }

    <T> T get(Class<T> type) {
        Held<?> found = held.computeIfAbsent(type, this::lookUp);
        return type.cast(found.service());
    }

    private <T> Held<T> lookUp(Class<T> type) {
        ServiceReference<T> reference;
        try {
            reference = plugin.getServiceReference(type);
        } catch (IllegalStateException stopped) {
            throw new CarehostFunctions.ServiceMissing("the plugin is stopping");
        }
        T service = reference == null ? null : plugin.getService(reference);
        if (service == null) {
            throw new CarehostFunctions.ServiceMissing(type.getSimpleName() + " is not available to this plugin "
                    + "(it holds no permission for it, or the service is not running)");
        }
        return new Held<>(reference, service);
    }

    @Override
    public void close() {
        for (Held<?> entry : held.values()) {
            try {
                plugin.ungetService(entry.reference());
            } catch (IllegalStateException stopped) {
                // the framework released it with the bundle
            }
        }
        held.clear();
    }
}
