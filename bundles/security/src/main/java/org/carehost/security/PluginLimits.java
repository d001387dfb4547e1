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

    /** Stops the plugin and keeps it stopped until an operator starts it; {@code because} says why, whole. */
    void quarantine(Bundle plugin, String because);

    /** Why the plugin is quarantined, if it is. */
    Optional<String> quarantined(Bundle plugin);
}
