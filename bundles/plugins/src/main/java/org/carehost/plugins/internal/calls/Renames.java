package org.carehost.plugins.internal.calls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Services renamed in a plugin's update (a component whose name changed between two versions), for {@link Handover}:
 * decided once the new version is active, and followed until the plugin's next change, or until the old key is
 * registered again (a component that came up late — required configuration, a reference satisfied after the bundle
 * started — is the real one, and calls go to it from then on).
 * <p>
 * Only what is certain is taken for a rename: an awaited service whose identity ({@link ServiceSlot#identity()}:
 * object classes and every identifying property, a Notifier's {@code channel}, a ScheduledTask's {@code carehost.task},
 * a validator's resource type...) no other awaited service has, while the new version registered exactly one service
 * of that identity under a key the old version did not have. An SMS notifier is never followed to an e-mail notifier;
 * two candidates are never guessed between.
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
        Map<Map<String, Object>, List<String>> newKeysByIdentity = new HashMap<>();
        for (ServiceReference<?> reference : registered == null ? new ServiceReference<?>[0] : registered) {
            String key = ServiceSlot.keyOf(reference);
            if (!oldKeys.contains(key)) {
                newKeysByIdentity.computeIfAbsent(ServiceSlot.identityOf(reference), any -> new ArrayList<>())
                        .add(key);
            }
        }
        Map<Map<String, Object>, List<String>> awaitedByIdentity = new HashMap<>();
        for (ServiceSlot<?> slot : awaited.values()) {
            awaitedByIdentity.computeIfAbsent(slot.identity(), any -> new ArrayList<>()).add(slot.key());
        }
        awaitedByIdentity.forEach((identity, keys) -> {
            List<String> newKeys = newKeysByIdentity.getOrDefault(identity, List.of());
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

    /** The plugin registered a service under {@code key}: if it was taken as renamed, the old key is real again. */
    void registered(long pluginId, String key) {
        Map<String, String> names = renamed.get(pluginId);
        if (names != null) {
            names.remove(key);
        }
    }

    /** The plugin changes again, or is gone: its renames are over. */
    void forget(long pluginId) {
        renamed.remove(pluginId);
    }
}
