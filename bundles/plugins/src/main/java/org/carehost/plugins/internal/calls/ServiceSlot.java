package org.carehost.plugins.internal.calls;

import java.util.Arrays;
import java.util.Map;

import org.carehost.plugins.PluginService;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * A {@link PluginService}: either a live registration ({@link #reference} set), or the memory of one a plugin being
 * updated unregistered (its properties kept), which calls wait on until the new version registers the same key.
 */
final class ServiceSlot<S> implements PluginService<S> {

    private final Bundle plugin;
    private final String key;
    private final long serviceId;
    /** The live registration, or null for an awaited one. */
    final ServiceReference<S> reference;
    /** The awaited one's properties and object classes (null for a live one). */
    private final Map<String, Object> kept;

    private ServiceSlot(Bundle plugin, String key, long serviceId, ServiceReference<S> reference,
            Map<String, Object> kept) {
        this.plugin = plugin;
        this.key = key;
        this.serviceId = serviceId;
        this.reference = reference;
        this.kept = kept;
    }

    static <S> ServiceSlot<S> live(ServiceReference<S> reference, Bundle plugin) {
        return new ServiceSlot<>(plugin, keyOf(reference), (Long) reference.getProperty(Constants.SERVICE_ID),
                reference, null);
    }

    /** The memory of {@code reference}, which is being unregistered. */
    static <S> ServiceSlot<S> awaited(ServiceReference<S> reference, Bundle plugin) {
        Map<String, Object> properties = new java.util.HashMap<>();
        for (String name : reference.getPropertyKeys()) {
            properties.put(name, reference.getProperty(name));
        }
        return new ServiceSlot<>(plugin, keyOf(reference), (Long) reference.getProperty(Constants.SERVICE_ID), null,
                Map.copyOf(properties));
    }

    /** The same service across a plugin's versions: component name, else PID, else the object classes. */
    static String keyOf(ServiceReference<?> reference) {
        if (reference.getProperty("component.name") instanceof String name) {
            return name;
        }
        if (reference.getProperty(Constants.SERVICE_PID) instanceof String pid) {
            return "pid " + pid;
        }
        return "classes " + Arrays.toString((String[]) reference.getProperty(Constants.OBJECTCLASS));
    }

    /** Object classes, sorted, as one text. */
    static String classesOf(Object objectClass) {
        return objectClass instanceof String[] names ? String.join(",", new java.util.TreeSet<>(Arrays.asList(names)))
                : String.valueOf(objectClass);
    }

    /** Properties the container, the framework or the service runtime set: not part of what a service is. */
    private static final java.util.Set<String> NOT_IDENTIFYING = java.util.Set.of(Constants.SERVICE_ID,
            Constants.SERVICE_PID, Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE, Constants.SERVICE_RANKING,
            Constants.OBJECTCLASS);

    /**
     * What tells this service from another of the same object classes: its object classes and every service property
     * except {@code component.*}, {@code service.id}, {@code service.pid}, {@code service.bundleid},
     * {@code service.scope}, {@code service.ranking} (a Notifier's {@code channel}, a ScheduledTask's
     * {@code carehost.task}, a validator's resource type...). Arrays are compared by their elements. A renamed service
     * is followed only to a new one with the same identity.
     */
    Map<String, Object> identity() {
        return reference != null ? identityOf(reference) : identityOf(kept);
    }

    static Map<String, Object> identityOf(ServiceReference<?> reference) {
        Map<String, Object> properties = new java.util.TreeMap<>();
        for (String name : reference.getPropertyKeys()) {
            properties.put(name, reference.getProperty(name));
        }
        return identityOf(properties);
    }

    private static Map<String, Object> identityOf(Map<String, Object> properties) {
        Map<String, Object> identity = new java.util.TreeMap<>();
        properties.forEach((name, value) -> {
            if (!NOT_IDENTIFYING.contains(name) && !name.startsWith("component.")) {
                identity.put(name, comparable(value));
            }
        });
        identity.put(Constants.OBJECTCLASS, classesOf(properties.get(Constants.OBJECTCLASS)));
        return identity;
    }

    /** The JDK's own value classes: final, so their hashCode and equals are never a plugin's code. */
    private static final java.util.Set<Class<?>> PLAIN = java.util.Set.of(String.class, Integer.class, Long.class,
            Short.class, Byte.class, Double.class, Float.class, Boolean.class, Character.class);

    /**
     * A value as it is compared: strings and boxed primitives as they are, arrays (of objects or primitives) as lists
     * of their elements, so that two equal arrays are equal, and anything else by its class's name alone. A service
     * property may be an object of the plugin's own class, whose {@code hashCode} and {@code equals} are the plugin's
     * code: red team 21's slept in {@code hashCode} while the rename was looked for under {@link Handover}'s monitor, and
     * every host call into every plugin, the outbox and the deploy watcher waited on it.
     */
    private static Object comparable(Object value) {
        if (value == null || PLAIN.contains(value.getClass())) {
            return value;
        }
        if (value.getClass().isArray()) {
            java.util.List<Object> elements = new java.util.ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                elements.add(comparable(java.lang.reflect.Array.get(value, i)));
            }
            return elements;
        }
        return "<an object of " + value.getClass().getName() + ">";
    }

    /** Whether the registration (or the remembered one) is offered under {@code type}. */
    boolean offers(String type) {
        Object classes = reference != null ? reference.getProperty(Constants.OBJECTCLASS)
                : kept.get(Constants.OBJECTCLASS);
        return classes instanceof String[] names && Arrays.asList(names).contains(type);
    }

    @Override
    public Bundle plugin() {
        return plugin;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public long serviceId() {
        return serviceId;
    }

    @Override
    public Object property(String name) {
        return reference != null ? reference.getProperty(name) : kept.get(name);
    }

    @Override
    public boolean awaitingNewVersion() {
        return reference == null;
    }

    @Override
    public String toString() {
        return plugin.getSymbolicName() + " " + key + (reference == null ? " (awaiting its new version)" : "");
    }
}
