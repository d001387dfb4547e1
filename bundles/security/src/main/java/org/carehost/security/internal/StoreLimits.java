package org.carehost.security.internal;

import java.util.Map;

import org.carehost.security.PluginLimits;

/**
 * The policy's limits on what a plugin keeps in the container's store on its own account, beside its plugin-data
 * quota ({@link CallLimits#dataBytes}): the notifications it has waiting in the outbox, the size of each, and its
 * scheduled jobs. Each entry has a default ({@code <entry> default <n>}) and per-plugin values
 * ({@code <entry> plugin <symbolic-name> <n>}).
 *
 * @param defaults per entry
 * @param plugins per entry, then per symbolic name
 */
record StoreLimits(Map<String, Long> defaults, Map<String, Map<String, Long>> plugins) {

    static final String NOTIFICATIONS = "notifications";
    static final String NOTIFICATION_KIB = "notification-kib";
    static final String JOBS = "jobs";

    /** The entries, with their defaults and what their number counts (for the policy's error messages). */
    static final Map<String, Long> DEFAULTS = Map.of(NOTIFICATIONS, PluginLimits.DEFAULT_PENDING_NOTIFICATIONS,
            NOTIFICATION_KIB, PluginLimits.DEFAULT_NOTIFICATION_BYTES / 1024, JOBS, PluginLimits.DEFAULT_JOBS);
    static final Map<String, String> UNITS = Map.of(NOTIFICATIONS, "pending notifications", NOTIFICATION_KIB, "KiB",
            JOBS, "jobs");

    static final StoreLimits DEFAULT = new StoreLimits(DEFAULTS, Map.of());

    StoreLimits {
        defaults = Map.copyOf(defaults);
        java.util.Map<String, Map<String, Long>> copy = new java.util.HashMap<>();
        plugins.forEach((entry, values) -> copy.put(entry, Map.copyOf(values)));
        plugins = Map.copyOf(copy);
    }

    /** The entry's value for the plugin: its own, else the default. */
    long of(String entry, String symbolicName) {
        Long own = plugins.getOrDefault(entry, Map.of()).get(symbolicName);
        return own != null ? own : defaults.getOrDefault(entry, DEFAULTS.get(entry));
    }
}
