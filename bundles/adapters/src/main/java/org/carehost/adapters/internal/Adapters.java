package org.carehost.adapters.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.carehost.context.Tenants;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.adapter.AdapterInfo;
import org.carehost.sdk.plugin.Adapter;
import org.carehost.store.ServedNames;
import org.carehost.store.Store;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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
 * used until the operator keeps one (uninstalls the others, or disables them for the tenant). A system's plugin is the
 * first that served it ({@link ServedNames}) while it is installed: no other plugin's adapter is used for the system
 * meanwhile, even while its own are not registered. Decided at each send and attempt from the registrations,
 * activations and that record. While an adapter's plugin is being
 * updated, a call to it waits for the new version instead of failing.
 */
@Component(service = Adapters.class)
public final class Adapters {

    private final PluginCalls calls;
    private final Tenants tenants;
    /** Which plugin each system is. */
    private final ServedNames owners;
    private final Predicate<String> installed;
    /** Per service id: the system it serves, asked once. */
    private final Map<Long, String> systems = new ConcurrentHashMap<>();

    @Activate
    public Adapters(BundleContext context, @Reference PluginCalls calls, @Reference Tenants tenants,
            @Reference Store store) {
        this.calls = calls;
        this.tenants = tenants;
        this.owners = new ServedNames(store, ServedNames.SYSTEM);
        this.installed = ServedNames.installedIn(context);
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
        String owner = owner(system, null);
        if (owner != null) {
            // the system's plugin is installed: only its adapters, registered or not (red team 21's channel hijack)
            offering = offering.stream().filter(found -> owner.equals(name(found))).toList();
            if (offering.isEmpty()) {
                throw new IllegalStateException("system '" + system + "' is plugin " + owner + "'s (the first to serve "
                        + "it), which offers no adapter now (stopped, quarantined or starting): plugin:start " + owner
                        + ", or plugin:uninstall it to let another plugin serve the system");
            }
        }
        List<Found> enabled = offering.stream()
                .filter(found -> tenants.isEnabled(name(found), tenant)).toList();
        if (enabled.stream().map(found -> found.plugin().getBundleId()).distinct().count() > 1) {
            throw new IllegalStateException("system '" + system + "' is offered by more than one plugin enabled for "
                    + "tenant " + tenant + " (" + String.join(", ", new TreeSet<>(enabled.stream().map(Adapters::name)
                    .toList())) + "): a system belongs to one plugin, so none of them is sent to. Keep one: "
                    + "plugin:uninstall the plugin that should not serve it, or plugin:disable <plugin> --tenant "
                    + tenant + " (adapter:list shows the conflict)");
        }
        if (owner == null && !enabled.isEmpty()) {
            String serves = owner(system, name(enabled.get(0)));
            if (!serves.equals(name(enabled.get(0)))) { // another node recorded another plugin meanwhile
                throw new IllegalStateException("system '" + system + "' is plugin " + serves + "'s (the first to "
                        + "serve it)");
            }
        }
        return (enabled.isEmpty() ? offering : enabled).stream().findFirst();
    }

    /** {@link ServedNames#owner} for a system; the record unreadable is this send's failure, as the store's would be. */
    private String owner(String system, String server) {
        try {
            return owners.owner(system, server, installed);
        } catch (SQLException e) {
            throw new IllegalStateException("which plugin system '" + system + "' is could not be read: "
                    + e.getMessage(), e);
        }
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
