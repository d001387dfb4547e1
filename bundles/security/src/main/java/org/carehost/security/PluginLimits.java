package org.carehost.security;

import java.time.Duration;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The policy's limits on the host's calls into plugins, and the quarantine a plugin that overruns them gets: the
 * same quarantine as the run-time budgets' (the plugin stopped, {@code carehost/plugin/QUARANTINED} posted and
 * audited, {@code plugin:why} saying why, {@code plugin:start} lifting it). Read live: a policy change applies to
 * the next call.
 */
@ProviderType
public interface PluginLimits {

    /** How long the host waits for a call of {@code kind} ({@code validator}, {@code notifier}, ...) into the plugin. */
    Duration deadline(Bundle plugin, String kind);

    /** Deadlines overrun in a row after which the plugin is quarantined; 0 for never. */
    long overrunsBeforeQuarantine(Bundle plugin);

    /**
     * The operator's choice for a validator of the plugin in this tenant: true for fail-open, false for fail-closed,
     * empty when the policy says nothing (the plugin's own default applies).
     */
    Optional<Boolean> validatorFailsOpen(String symbolicName, String tenant);

    /** Bytes of plugin data the plugin may keep per tenant. */
    long pluginDataBytes(String symbolicName);

    /**
     * The policy's own deadline for the plugin ({@code deadline plugin <symbolic-name> <ms>}), for calls of every kind;
     * empty when the policy names none (unlike {@link #deadline}, which falls back on the kind's default).
     *
     * @since 1.5
     */
    default Optional<Duration> pluginDeadline(Bundle plugin) {
        return Optional.empty();
    }

    /**
     * The policy's cap on the linear memory of each instance of a WebAssembly plugin, in 64 KiB pages
     * ({@code wasm-memory-pages plugin <symbolic-name> <pages>}); empty when the policy names none. It lowers the
     * container's setting and the plugin's own header, never raises them.
     *
     * @since 1.5
     */
    default java.util.OptionalInt wasmMemoryPages(Bundle plugin) {
        return java.util.OptionalInt.empty();
    }

    /**
     * The policy's cap on a WebAssembly plugin's instances ({@code wasm-instances plugin <symbolic-name> <n>}); empty
     * when the policy names none. It lowers the container's setting and the plugin's own header, never raises them.
     *
     * @since 1.5
     */
    default java.util.OptionalInt wasmInstances(Bundle plugin) {
        return java.util.OptionalInt.empty();
    }

    /** {@link #pendingNotifications} when the policy names none for the plugin. @since 1.8 */
    long DEFAULT_PENDING_NOTIFICATIONS = 1000;

    /** {@link #notificationBytes} when the policy names none for the plugin: 64 KiB. @since 1.8 */
    long DEFAULT_NOTIFICATION_BYTES = 64 * 1024;

    /** {@link #jobs} when the policy names none for the plugin. @since 1.8 */
    long DEFAULT_JOBS = 100;

    /**
     * The most notifications of the plugin that may wait in the outbox at once, in all tenants together
     * ({@code notifications plugin <symbolic-name> <n>}, {@code notifications default <n>}).
     *
     * @since 1.8
     */
    default long pendingNotifications(String symbolicName) {
        return DEFAULT_PENDING_NOTIFICATIONS;
    }

    /**
     * The largest notification the plugin may send: its subject and body together, in UTF-8 bytes
     * ({@code notification-kib plugin <symbolic-name> <KiB>}, {@code notification-kib default <KiB>}).
     *
     * @since 1.8
     */
    default long notificationBytes(String symbolicName) {
        return DEFAULT_NOTIFICATION_BYTES;
    }

    /**
     * The most scheduled jobs the plugin may have, in all tenants together ({@code jobs plugin <symbolic-name> <n>},
     * {@code jobs default <n>}).
     *
     * @since 1.8
     */
    default long jobs(String symbolicName) {
        return DEFAULT_JOBS;
    }

    /** Stops the plugin and keeps it stopped until an operator starts it; {@code because} says why, whole. */
    void quarantine(Bundle plugin, String because);

    /** Why the plugin is quarantined, if it is. */
    Optional<String> quarantined(Bundle plugin);
}
