package org.carehost.adapters.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.adapter.AdapterInfo;
import org.carehost.sdk.plugin.Adapter;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugins' {@link Adapter} services, by the system each speaks to. Every call into one goes through
 * {@link PluginCalls} (kind {@code adapter}: deadline, counters, quarantine), {@link Adapter#system()} too (asked once
 * per service). When two adapters name one system, the higher-ranked (then older) service serves it. While an
 * adapter's plugin is being updated, a call to it waits for the new version instead of failing.
 */
@Component(service = Adapters.class)
public final class Adapters {

    private final PluginCalls calls;
    /** Per service id: the system it serves, asked once. */
    private final Map<Long, String> systems = new ConcurrentHashMap<>();

    @Activate
    public Adapters(@Reference PluginCalls calls) {
        this.calls = calls;
    }

    /**
     * An adapter (followed across its plugin's updates: a call while the plugin is being replaced waits for the new
     * version) and the system it serves.
     */
    record Found(PluginService<Adapter> service, String system) {

        Bundle plugin() {
            return service.plugin();
        }
    }

    /** Every adapter whose system could be learnt, best first for each system. */
    List<Found> all() {
        List<PluginService<Adapter>> sorted = new ArrayList<>(calls.services(Adapter.class));
        sorted.sort(PluginService.callOrder());
        if (systems.size() > sorted.size()) { // forget the systems of adapters gone (an update registers new ids)
            systems.keySet().retainAll(sorted.stream().map(PluginService::serviceId).toList());
        }
        List<Found> found = new ArrayList<>();
        for (PluginService<Adapter> service : sorted) {
            try {
                found.add(new Found(service, system(service)));
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
                available = calls.call(found.service(), "adapter", "Adapter.available", Adapter::available);
            } catch (PluginCallException | RuntimeException e) {
                available = null;
            }
            infos.add(new AdapterInfo(found.system(), found.plugin().getSymbolicName(),
                    found.plugin().getVersion().toString(), available));
        }
        return infos;
    }

    private String system(PluginService<Adapter> service) throws PluginCallException {
        String known = systems.get(service.serviceId());
        if (known == null) {
            known = calls.call(service, "adapter", "Adapter.system", Adapter::system);
            if (known == null || known.isBlank() || !known.matches("[A-Za-z0-9_.\\-]{1,100}")) {
                throw new IllegalStateException("its system() is not 1 to 100 letters, digits, '.', '_', '-'");
            }
            systems.put(service.serviceId(), known);
        }
        return known;
    }
}
