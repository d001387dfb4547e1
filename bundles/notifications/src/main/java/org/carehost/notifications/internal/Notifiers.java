package org.carehost.notifications.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.carehost.context.Tenants;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.store.ServedNames;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Which {@link Notifier} delivers a tenant's notification on a channel. A channel belongs to one plugin: a plugin with
 * no permissions can register a notifier naming any channel at any ranking, so ranking cannot decide between plugins
 * (the highest would take another plugin's notifications, patient data, red team 15). Among the notifiers of the
 * channel whose plugin is enabled for the entry's tenant (a plugin not enabled there may not see its data):
 * <ul>
 * <li>none: the notification is not delivered (and is retried);</li>
 * <li>those of one plugin: the highest-ranked, then oldest, of that plugin's serves it;</li>
 * <li>those of two or more plugins: neither is used, whatever their ranking or which came first; the attempt fails
 * naming them and what the operator does (uninstall one, or disable one for the tenant), and the notification waits
 * in the outbox under its usual retries.</li>
 * </ul>
 * A channel's plugin is the first that served it ({@link ServedNames}), for as long as it is installed: while it is,
 * no other plugin's notifier is used for the channel, even while its own are not registered (stopped, quarantined,
 * refused); its notifications wait for it. Decided from the registrations, the tenants' activations and that record at
 * each attempt: no timer.
 * <p>
 * The {@code channel} property is the plugin's object, read on the outbox's one thread: only a String or a String array
 * (copied) names channels. Anything else (a collection the plugin may keep changing, or whose methods are its code)
 * names none, and is logged once per service; a failure reading one service skips that service only.
 */
@Component(service = Notifiers.class)
public final class Notifiers {

    private final PluginCalls calls;
    private final Tenants tenants;
    /** Which plugin each channel is. */
    private final ServedNames owners;
    /** Whether a plugin of a symbolic name is installed (stopped or not). */
    private final Predicate<String> installed;
    private final Logger log;
    /** Services whose channel property was not readable, logged once each. */
    private final Set<Long> unreadable = ConcurrentHashMap.newKeySet();

    @Activate
    public Notifiers(BundleContext context, @Reference PluginCalls calls, @Reference Tenants tenants,
            @Reference Store store, @Reference(service = LoggerFactory.class) Logger log) {
        this(calls, tenants, new ServedNames(store, ServedNames.CHANNEL), ServedNames.installedIn(context), log);
    }

    Notifiers(PluginCalls calls, Tenants tenants, ServedNames owners, Predicate<String> installed, Logger log) {
        this.calls = calls;
        this.tenants = tenants;
        this.owners = owners;
        this.installed = installed;
        this.log = log;
    }

    /** The notifier to call, or why there is none ({@code refusal}: the attempt's error, with the way out). */
    record Choice(PluginService<Notifier> notifier, String refusal) {
    }

    Choice choose(String channel, String tenant) throws SQLException {
        List<PluginService<Notifier>> offering = offering(channel);
        String owner = owners.owner(channel, null, installed);
        if (owner != null) {
            // the channel's plugin is installed: only its notifiers, registered or not (red team 21: another plugin
            // registered the channel while its plugin was stopped and received the queued notifications)
            offering = offering.stream().filter(service -> owner.equals(name(service))).toList();
            if (offering.isEmpty()) {
                return new Choice(null, "channel '" + channel + "' is plugin " + owner + "'s (the first to serve it), "
                        + "which offers no notifier now (stopped, quarantined or starting): the notification waits for "
                        + "it. plugin:start " + owner + ", or plugin:uninstall it to let another plugin serve the channel");
            }
        }
        if (offering.isEmpty()) {
            return new Choice(null, "no notifier serves channel '" + channel + "' (a plugin registers one with channel="
                    + channel + ")");
        }
        List<PluginService<Notifier>> enabled = offering.stream()
                .filter(service -> tenants.isEnabled(name(service), tenant)).toList();
        Set<String> plugins = names(enabled);
        if (enabled.isEmpty()) {
            String first = names(offering).iterator().next();
            return new Choice(null, "the plugin serving channel '" + channel + "' (" + String.join(", ",
                    names(offering)) + ") is not enabled for tenant " + tenant + ", so it may not receive its "
                    + "notifications (plugin:enable " + first + " --tenant " + tenant + ")");
        }
        if (enabled.stream().map(service -> service.plugin().getBundleId()).distinct().count() > 1) {
            return new Choice(null, "channel '" + channel + "' is offered by more than one plugin enabled for tenant "
                    + tenant + " (" + String.join(", ", plugins) + "): a channel belongs to one plugin, so none of "
                    + "them is used and the notification waits in the outbox. Keep one: plugin:uninstall the plugin "
                    + "that should not serve it, or plugin:disable <plugin> --tenant " + tenant);
        }
        PluginService<Notifier> chosen = enabled.stream().min(PluginService.callOrder()).orElseThrow();
        String serves = owner != null ? owner : owners.owner(channel, name(chosen), installed);
        if (!serves.equals(name(chosen))) { // another node recorded another plugin meanwhile
            return new Choice(null, "channel '" + channel + "' is plugin " + serves + "'s (the first to serve it): "
                    + "the notification waits for it");
        }
        return new Choice(chosen, null);
    }

    /** Channels more than one plugin offers (in any tenant), with those plugins' names, for {@code notify:list}. */
    Map<String, Set<String>> conflicts() {
        Map<String, Set<Long>> bundles = new TreeMap<>();
        Map<String, Set<String>> plugins = new TreeMap<>();
        for (PluginService<Notifier> service : calls.services(Notifier.class)) {
            for (String channel : channels(service)) {
                bundles.computeIfAbsent(channel, c -> new TreeSet<>()).add(service.plugin().getBundleId());
                plugins.computeIfAbsent(channel, c -> new TreeSet<>()).add(name(service));
            }
        }
        plugins.keySet().removeIf(channel -> bundles.get(channel).size() < 2);
        return plugins;
    }

    private List<PluginService<Notifier>> offering(String channel) {
        List<PluginService<Notifier>> offering = new ArrayList<>();
        List<PluginService<Notifier>> all = calls.services(Notifier.class);
        if (unreadable.size() > all.size()) { // forget services gone
            unreadable.retainAll(all.stream().map(PluginService::serviceId).collect(Collectors.toSet()));
        }
        for (PluginService<Notifier> service : all) {
            if (channels(service).contains(channel)) {
                offering.add(service);
            }
        }
        return offering;
    }

    /** The channels a service names; none when its property cannot be read safely (logged once). */
    private List<String> channels(PluginService<Notifier> service) {
        Object property = null;
        try {
            property = service.property("channel");
            List<String> channels = channels(property);
            if (channels != null) {
                return channels;
            }
            unreadable(service, "its channel property is a " + property.getClass().getName()
                    + ", not a String or String[]");
        } catch (RuntimeException e) {
            unreadable(service, "its channel property could not be read (" + e.getClass().getName() + ")");
        }
        return List.of();
    }

    private void unreadable(PluginService<Notifier> service, String why) {
        if (unreadable.add(service.serviceId())) {
            log.warn("Notifier service {} of plugin {} serves no channel: {}. Register it with channel=<name> (a "
                    + "String, or a String[] for several)", service.serviceId(), name(service), why);
        }
    }

    /**
     * The channels a {@code channel} property names: a String, or a String array (copied: the plugin keeps the array
     * and could change it); {@code null} for anything else, which names none. Nothing of the plugin's is called.
     */
    static List<String> channels(Object property) {
        if (property == null) {
            return List.of();
        }
        if (property instanceof String channel) {
            return List.of(channel);
        }
        if (property instanceof String[] channels) {
            return Arrays.stream(channels.clone()).filter(Objects::nonNull).toList();
        }
        return null;
    }

    private static Set<String> names(List<PluginService<Notifier>> services) {
        return services.stream().map(Notifiers::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String name(PluginService<Notifier> service) {
        return String.valueOf(service.plugin().getSymbolicName());
    }
}
