package org.carehost.security.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.carehost.sdk.event.AppointmentEvents;
import org.carehost.sdk.event.PatientEvents;
import org.carehost.sdk.event.SecurityEvents;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Capability;

/**
 * Which services each bundle sees. A plugin sees the container's services only where it holds a permission
 * for them (PatientService needs read:patients or write:patients, Event Admin needs publish:events) and
 * never the container's internals (the store, the hooks, the implementations). Services a
 * plugin registers under a host interface or as a container's shell command (impostors) are hidden from everyone, and Event Admin sees no
 * plugin's event handler at all: {@link PluginEventDelivery} registers a wrapper in its place, which binds the
 * event's care context, and none for a handler whose topics reach events the plugin may not read. Applied both to lookups
 * ({@link FindHook}) and to service events ({@link EventListenerHook}), so Declarative Services never binds
 * what a plugin may not have: its reference stays unsatisfied.
 */
final class ServiceGate implements FindHook, EventListenerHook {

    /** Container services plugins may get, and the permissions that let them (any one of). */
    static final Map<String, List<Permission>> FOR_PLUGINS = Map.ofEntries(
            Map.entry("org.carehost.sdk.patient.PatientService",
                    List.of(Permission.READ_PATIENTS, Permission.WRITE_PATIENTS)),
            Map.entry("org.carehost.sdk.appointment.AppointmentService",
                    List.of(Permission.READ_APPOINTMENTS, Permission.WRITE_APPOINTMENTS)),
            Map.entry("org.carehost.sdk.audit.AuditService", List.of(Permission.READ_AUDIT, Permission.WRITE_AUDIT)),
            Map.entry("org.carehost.sdk.data.PluginDataService", List.of(Permission.STORE_PLUGIN_DATA)),
            Map.entry("org.carehost.sdk.schedule.Scheduler", List.of(Permission.SCHEDULE_WORK)),
            Map.entry("org.carehost.sdk.notify.NotificationService", List.of(Permission.SEND_NOTIFICATIONS)),
            Map.entry("org.osgi.service.event.EventAdmin", List.of(Permission.PUBLISH_EVENTS)),
            Map.entry("org.carehost.sdk.context.CareContexts", List.of()),
            // a plugin reads its own settings for a tenant only (bundle scope): no permission
            Map.entry("org.carehost.sdk.settings.TenantSettings", List.of()),
            Map.entry("org.osgi.service.log.LoggerFactory", List.of()),
            Map.entry("org.osgi.service.log.LogService", List.of()),
            // The container's clock (bundles/clock): plugins read the time; registering one is an impostor's act.
            Map.entry("java.time.Clock", List.of()),
            // Felix SCR looks Config Admin up through the plugin's own context to configure its components. A plugin
            // cannot use it itself: org.osgi.service.cm is not on the import allow-list, and reflection needs a grant.
            Map.entry("org.osgi.service.cm.ConfigurationAdmin", List.of()));

    /** Interfaces only the container may register (exact names, then prefixes). */
    static final Set<String> HOST_INTERFACES = Set.of("org.carehost.sdk.patient.PatientService",
            "org.carehost.sdk.context.CareContexts",
            "org.carehost.sdk.appointment.AppointmentService", "org.carehost.sdk.audit.AuditService",
            "org.carehost.sdk.data.PluginDataService", "org.carehost.sdk.schedule.Scheduler", "java.time.Clock",
            "org.carehost.sdk.notify.NotificationService", "org.carehost.sdk.settings.TenantSettings",
            "org.osgi.service.event.EventAdmin", "org.osgi.service.log.LoggerFactory", "org.osgi.service.log.LogService",
            "org.osgi.service.log.LogReaderService", "org.osgi.service.cm.ConfigurationAdmin",
            "org.osgi.service.cm.ConfigurationPlugin",
            "org.osgi.service.jdbc.DataSourceFactory", "org.osgi.service.metatype.MetaTypeService",
            // the framework asks registered content handlers before the JDK's (URL.getContent)
            "java.net.ContentHandler");
    // Not org.osgi.service.cm.* as a whole: SCR registers ManagedService in the plugin's name.
    // org.osgi.service.url.: the framework asks registered URL handlers before the JDK's, for http and https too (a
    // plugin cannot make one: the scan refuses the package, a private copy of it included; api-rules.txt).
    static final List<String> HOST_PREFIXES = List.of("org.osgi.framework.hooks.", "org.osgi.service.url.",
            "org.osgi.service.component.runtime.", "org.apache.felix.", "org.carehost.audit.", "org.carehost.store.",
            "org.carehost.security.", "org.carehost.plugins.", "org.carehost.clinical.", "org.carehost.config.",
            "org.carehost.context.", "org.carehost.crypto.", "org.carehost.logging.", "org.carehost.scheduler.",
            "org.carehost.notifications.");

    /** Event topics whose events carry PHI or security facts, and who may receive them. */
    static final Map<String, Permission> GATED_TOPICS = Map.of(
            PatientEvents.TOPIC_PREFIX, Permission.READ_PATIENTS,
            AppointmentEvents.TOPIC_PREFIX, Permission.READ_APPOINTMENTS,
            SecurityEvents.TOPIC_PREFIX, Permission.READ_AUDIT,
            "carehost/audit/", Permission.READ_AUDIT);

    /** Plugin kinds (Validator, Notifier, ...): whoever provides one, plugins may use it. */
    private static final String PLUGIN_KINDS = "org.carehost.sdk.plugin.";

    private static final String EVENT_HANDLER = "org.osgi.service.event.EventHandler";
    private static final String EVENT_ADMIN = "org.osgi.service.event.EventAdmin";

    private final PluginScope scope;
    private final ShellCommands commands;
    private final Function<Bundle, Grants> grants;
    private final Predicate<Bundle> deliversEvents;
    private final long self;

    /** {@code deliversEvents}: whether a bundle is an Event Admin implementation (it sees no plugin handler, only their wrappers). */
    ServiceGate(PluginScope scope, ShellCommands commands, Function<Bundle, Grants> grants,
            Predicate<Bundle> deliversEvents, long self) {
        this.scope = scope;
        this.commands = commands;
        this.grants = grants;
        this.deliversEvents = deliversEvents;
        this.self = self;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        Bundle requester = context.getBundle();
        if (requester == null || requester.getBundleId() == 0 || requester.getBundleId() == self) {
            return;
        }
        boolean plugin = scope.isPlugin(requester);
        references.removeIf(reference -> !visible(requester, plugin, reference));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> reference = event.getServiceReference();
        if (event.getType() == ServiceEvent.UNREGISTERING && scope.isPlugin(reference.getBundle())
                && impostor(reference, commands) != null) {
            // An impostor found after it registered (a container command of the same name came later) was seen by
            // the shell meanwhile: its going must reach everyone, or Gogo keeps a dead command under that name.
            return;
        }
        listeners.keySet().removeIf(context -> {
            Bundle listener = context.getBundle();
            if (listener == null || listener.getBundleId() == 0 || listener.getBundleId() == self) {
                return false;
            }
            return !visible(listener, scope.isPlugin(listener), reference);
        });
    }

    boolean visible(Bundle requester, boolean requesterIsPlugin, ServiceReference<?> reference) {
        Bundle provider = reference.getBundle();
        if (provider == null) {
            return true;
        }
        String[] classes = objectClasses(reference);
        if (scope.isPlugin(provider)) {
            if (impostor(reference, commands) != null) {
                return false;
            }
            if (requesterIsPlugin && requester.getBundleId() != provider.getBundleId() && pluginKind(classes)) {
                // another plugin's notifier, adapter, validator or transformer: the container calls it, with its
                // checks (consent, minimisation, tenant), audit and deadline; called by a plugin directly it would
                // pass them by, and lend that plugin its own grants (a network grant for a notifier)
                return false;
            }
            if (!requesterIsPlugin && isEventHandler(classes) && deliversEvents.test(requester)) {
                // Event Admin delivers to the wrapper the security manager registers instead (PluginEventDelivery),
                // so that every event reaches the plugin through the tenant and topic rules, in a care context.
                return false;
            }
            return true;
        }
        boolean guarded = Boolean.TRUE.equals(reference.getProperty(GuardedEventAdmin.GUARD_PROPERTY));
        if (!requesterIsPlugin) {
            return !guarded;
        }
        if (!guarded && Arrays.asList(classes).contains(EVENT_ADMIN)) {
            return false; // plugins get the guarded Event Admin, never the real one
        }
        return hiddenBecause(grants.apply(requester), classes) == null;
    }

    /** The HTTP whiteboard's service properties: a plugin's service with one would be served by the container. */
    static final String HTTP_WHITEBOARD = "osgi.http.whiteboard.";

    /** Whether a service is of a plugin kind ({@code org.carehost.sdk.plugin.*}: what the container calls plugins as). */
    private static boolean pluginKind(String[] classes) {
        for (String name : classes) {
            if (name.startsWith(PLUGIN_KINDS)) {
                return true;
            }
        }
        return false;
    }

    /** Why a plugin with these grants does not see a container service of these classes, or null if it does. */
    static String hiddenBecause(Grants held, String... classes) {
        for (String name : classes) {
            List<Permission> anyOf = name.startsWith(PLUGIN_KINDS) ? List.of() : FOR_PLUGINS.get(name);
            if (anyOf == null) {
                return name + " is not available to plugins";
            }
            if (!anyOf.isEmpty() && anyOf.stream().noneMatch(held::holds)) {
                // any one of them shows the service (a plugin that only writes needs no read permission): all named
                StringBuilder ids = new StringBuilder();
                for (int i = 0; i < anyOf.size(); i++) {
                    ids.append(i == 0 ? "" : i == anyOf.size() - 1 ? " or " : ", ").append(anyOf.get(i).id());
                }
                return "missing permission " + ids;
            }
        }
        return null;
    }

    /**
     * What makes a plugin's service an impostor, said as what the plugin did: registered a host interface, or a
     * shell command the container's (a reserved scope, a container command's name; see {@link ShellCommands}); null
     * if nothing.
     */
    static String impostor(ServiceReference<?> reference, ShellCommands commands) {
        String stolen = impostor(objectClasses(reference));
        if (stolen != null) {
            return "registered a service as " + stolen + ", which only the container may provide";
        }
        for (String key : reference.getPropertyKeys()) {
            if (key.startsWith(HTTP_WHITEBOARD)) {
                // properties alone (a resource pattern and prefix on any object) had the container's HTTP server serve
                // the plugin's files over its web console and API, ranked above them (red team 3)
                return "registered a service for the container's HTTP server (" + key + "), which serves only the "
                        + "container's console and API: plugins serve nothing over it";
            }
        }
        return commands.refusal(reference);
    }

    /** The host interface among {@code classes} (a plugin registering it is an impostor), or null. */
    static String impostor(String[] classes) {
        for (String name : classes) {
            if (HOST_INTERFACES.contains(name) || HOST_PREFIXES.stream().anyMatch(name::startsWith)) {
                return name;
            }
        }
        return null;
    }

    /** The first topic of the handler that reaches events it may not read, with the permission, or null. */
    static String forbiddenTopic(Grants held, ServiceReference<?> handler) {
        for (String topic : topics(handler.getProperty("event.topics"))) {
            for (Map.Entry<String, Permission> gated : GATED_TOPICS.entrySet()) {
                if (reaches(topic, gated.getKey()) && !held.holds(gated.getValue())) {
                    return topic + " (needs " + gated.getValue().id() + ")";
                }
            }
        }
        return null;
    }

    /**
     * The permission an event on {@code topic} needs that {@code held} lacks, or null: checked again at each
     * delivery, since a revoked grant is in force at once while the handler is still subscribed.
     */
    static Permission forbiddenEvent(Grants held, String topic) {
        for (Map.Entry<String, Permission> gated : GATED_TOPICS.entrySet()) {
            if (topic.startsWith(gated.getKey()) && !held.holds(gated.getValue())) {
                return gated.getValue();
            }
        }
        return null;
    }

    /** Whether a subscription to {@code topic} receives events under {@code prefix} ("carehost/patient/"). */
    static boolean reaches(String topic, String prefix) {
        if (topic.equals("*") || topic.startsWith(prefix)) {
            return true;
        }
        return topic.endsWith("/*") && prefix.startsWith(topic.substring(0, topic.length() - 1));
    }

    static boolean isEventHandler(String[] classes) {
        for (String name : classes) {
            if (EVENT_HANDLER.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the bundle implements Event Admin (so delivers events to handlers): known from its manifest too,
     * since it tracks handlers before it registers its service.
     */
    static boolean implementsEventAdmin(Bundle bundle) {
        String exported = bundle.getHeaders("").get("Export-Service");
        if (exported != null && exported.contains(EVENT_ADMIN)) {
            return true;
        }
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision != null) {
            for (Capability capability : revision.getCapabilities("osgi.service")) {
                if (String.valueOf(capability.getAttributes().get("objectClass")).contains(EVENT_ADMIN)) {
                    return true;
                }
            }
        }
        ServiceReference<?>[] providers = bundle.getRegisteredServices();
        if (providers == null) {
            return false;
        }
        for (ServiceReference<?> provided : providers) {
            for (String name : objectClasses(provided)) {
                if (name.equals(EVENT_ADMIN)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String[] objectClasses(ServiceReference<?> reference) {
        Object classes = reference.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] ? (String[]) classes : new String[0];
    }

    /** A handler's topics, as text only ({@link PluginTexts}); a value that is no text reaches every topic. */
    private static List<String> topics(Object property) {
        List<String> topics = PluginTexts.of(property);
        return topics == null ? List.of("*") : topics;
    }
}
