package org.carehost.adapters.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.context.Tenants;
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
 * per service). A system belongs to one plugin: any plugin, with no permission, can register an adapter naming any
 * system at any ranking, so ranking cannot decide between plugins (the highest would receive the records sent to
 * another plugin's system, red team 15). For a tenant, when the adapters naming a system whose plugin is enabled there
 * are one plugin's, the higher-ranked (then older) of them serves it; when they are two or more plugins', none is
 * used until the operator keeps one (uninstalls the others, or disables them for the tenant). Decided at each send
 * and attempt from the registrations and activations: no first-come ownership. While an adapter's plugin is being
 * updated, a call to it waits for the new version instead of failing.
 */
@Component(service = Adapters.class)
public final class Adapters {

    private final PluginCalls calls;
    private final Tenants tenants;
    /** Per service id: the system it serves, asked once. */
    private final Map<Long, String> systems = new ConcurrentHashMap<>();

    @Activate
    public Adapters(@Reference PluginCalls calls, @Reference Tenants tenants) {
        this.calls = calls;
        this.tenants = tenants;
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

    /**
     * The adapter serving {@code system} for {@code tenant}: of the adapters naming the system, those whose plugin is
     * enabled for the tenant must all be one plugin's (its best serves). Empty when no adapter names the system; when
     * none of their plugins is enabled for the tenant, the best of them ({@link Recipients} then refuses it, naming
     * the way out).
     *
     * @throws IllegalStateException when two or more plugins enabled for the tenant name the system: none is used
     */
    Optional<Found> find(String system, String tenant) {
        List<Found> offering = all().stream().filter(found -> found.system().equals(system)).toList();
        List<Found> enabled = offering.stream()
                .filter(found -> tenants.isEnabled(name(found), tenant)).toList();
        if (enabled.stream().map(found -> found.plugin().getBundleId()).distinct().count() > 1) {
            throw new IllegalStateException("system '" + system + "' is offered by more than one plugin enabled for "
                    + "tenant " + tenant + " (" + String.join(", ", new TreeSet<>(enabled.stream().map(Adapters::name)
                    .toList())) + "): a system belongs to one plugin, so none of them is sent to. Keep one: "
                    + "plugin:uninstall the plugin that should not serve it, or plugin:disable <plugin> --tenant "
                    + tenant + " (adapter:list shows the conflict)");
        }
        return (enabled.isEmpty() ? offering : enabled).stream().findFirst();
    }

    private static String name(Found found) {
        return String.valueOf(found.plugin().getSymbolicName());
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
