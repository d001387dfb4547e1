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

    /** Whether the registration (or the remembered one) is offered under {@code type}. */
    /** The registration's object classes, sorted, as one text: what a renamed service must offer to be followed. */
    String classes() {
        return classesOf(reference != null ? reference.getProperty(Constants.OBJECTCLASS) : kept.get(Constants.OBJECTCLASS));
    }

    static String classesOf(Object objectClass) {
        return objectClass instanceof String[] names ? String.join(",", new java.util.TreeSet<>(Arrays.asList(names)))
                : String.valueOf(objectClass);
    }

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
