package org.carehost.adapters.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.sdk.adapter.AdapterInfo;
import org.carehost.sdk.plugin.Adapter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The plugins' {@link Adapter} services, by the system each speaks to. Every call into one goes through
 * {@link PluginCalls} (kind {@code adapter}: deadline, counters, quarantine), {@link Adapter#system()} too (asked once
 * per service). When two adapters name one system, the higher-ranked (then older) service serves it.
 */
@Component(service = Adapters.class)
public final class Adapters {

    private final PluginCalls calls;
    private final ServiceTracker<Adapter, Adapter> adapters;
    private final Map<ServiceReference<?>, String> systems = new ConcurrentHashMap<>();

    @Activate
    public Adapters(BundleContext context, @Reference PluginCalls calls) {
        this.calls = calls;
        this.adapters = new ServiceTracker<>(context, Adapter.class, null) {
            @Override
            public void removedService(ServiceReference<Adapter> reference, Adapter service) {
                systems.remove(reference);
                super.removedService(reference, service);
            }
        };
        adapters.open(true);
    }

    @Deactivate
    void deactivate() {
        adapters.close();
    }

    /** An adapter and the plugin that provides it. */
    record Found(Bundle plugin, Adapter adapter, String system) {
    }

    /** Every adapter whose system could be learnt, best first for each system. */
    List<Found> all() {
        ServiceReference<Adapter>[] references = adapters.getServiceReferences();
        if (references == null) {
            return List.of();
        }
        List<ServiceReference<Adapter>> sorted = new ArrayList<>(List.of(references));
        sorted.sort(Comparator.<ServiceReference<Adapter>>naturalOrder().reversed()); // ranking, then service id
        List<Found> found = new ArrayList<>();
        for (ServiceReference<Adapter> reference : sorted) {
            Bundle plugin = reference.getBundle();
            Adapter adapter = plugin == null ? null : adapters.getService(reference);
            if (adapter == null) {
                continue;
            }
            try {
                found.add(new Found(plugin, adapter, system(reference, plugin, adapter)));
            } catch (PluginCallException | RuntimeException unknown) {
                // an adapter that cannot name its system in time serves none; adapter:list shows the others
            }
        }
        return found;
    }

    /** The adapter serving {@code system}. */
    Optional<Found> find(String system) {
        return all().stream().filter(found -> found.system().equals(system)).findFirst();
    }

    /** What {@code adapter:list} shows; {@link Adapter#available()} asked within the adapter deadline. */
    List<AdapterInfo> infos() {
        List<AdapterInfo> infos = new ArrayList<>();
        for (Found found : all()) {
            Boolean available;
            try {
                available = calls.call(found.plugin(), "adapter", "Adapter.available", found.adapter()::available);
            } catch (PluginCallException | RuntimeException e) {
                available = null;
            }
            infos.add(new AdapterInfo(found.system(), found.plugin().getSymbolicName(),
                    found.plugin().getVersion().toString(), available));
        }
        return infos;
    }

    private String system(ServiceReference<?> reference, Bundle plugin, Adapter adapter) throws PluginCallException {
        String known = systems.get(reference);
        if (known == null) {
            known = calls.call(plugin, "adapter", "Adapter.system", adapter::system);
            if (known == null || known.isBlank() || !known.matches("[A-Za-z0-9_.\\-]{1,100}")) {
                throw new IllegalStateException("its system() is not 1 to 100 letters, digits, '.', '_', '-'");
            }
            systems.put(reference, known);
        }
        return known;
    }
}
