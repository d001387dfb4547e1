package org.carehost.plugins.internal.calls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * Services renamed in a plugin's update (a component whose name changed between two versions), for {@link Handover}:
 * decided once the new version is active, and followed until the plugin's next change. Only what is certain is taken
 * for a rename: an awaited service that is the only one awaited of its object classes, while the new version
 * registered exactly one service of those classes under a key the old version did not have.
 */
final class Renames {

    /** By plugin: a renamed service's key in the old version, to its key in the new one. */
    private final Map<Long, Map<String, String>> renamed = new ConcurrentHashMap<>();

    /**
     * Decides the renames of the plugin's new version, now active, and takes each renamed service off {@code awaited}.
     *
     * @param oldKeys every key the old version unregistered in this change
     */
    void follow(Bundle plugin, Map<String, ServiceSlot<?>> awaited, Set<String> oldKeys) {
        if (awaited.isEmpty()) {
            return;
        }
        ServiceReference<?>[] registered;
        try {
            registered = plugin.getRegisteredServices();
        } catch (IllegalStateException uninstalled) {
            return;
        }
        Map<String, List<String>> newKeysByClasses = new HashMap<>();
        for (ServiceReference<?> reference : registered == null ? new ServiceReference<?>[0] : registered) {
            String key = ServiceSlot.keyOf(reference);
            if (!oldKeys.contains(key)) {
                newKeysByClasses.computeIfAbsent(ServiceSlot.classesOf(reference.getProperty(Constants.OBJECTCLASS)),
                        any -> new ArrayList<>()).add(key);
            }
        }
        Map<String, List<String>> awaitedByClasses = new HashMap<>();
        for (ServiceSlot<?> slot : awaited.values()) {
            awaitedByClasses.computeIfAbsent(slot.classes(), any -> new ArrayList<>()).add(slot.key());
        }
        awaitedByClasses.forEach((classes, keys) -> {
            List<String> newKeys = newKeysByClasses.getOrDefault(classes, List.of());
            if (keys.size() == 1 && newKeys.size() == 1) {
                renamed.computeIfAbsent(plugin.getBundleId(), any -> new ConcurrentHashMap<>()).put(keys.get(0),
                        newKeys.get(0));
                awaited.remove(keys.get(0));
            }
        });
    }

    /** The key a call made with {@code key} goes to now. */
    String follow(Bundle plugin, String key) {
        Map<String, String> names = renamed.get(plugin.getBundleId());
        String now = names == null ? null : names.get(key);
        return now == null ? key : now;
    }

    /** The plugin changes again, or is gone: its renames are over. */
    void forget(long pluginId) {
        renamed.remove(pluginId);
    }
}
