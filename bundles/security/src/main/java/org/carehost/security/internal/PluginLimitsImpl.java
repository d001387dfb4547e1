package org.carehost.security.internal;

import java.time.Duration;
import java.util.Optional;

import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;

/** {@link PluginLimits} over the policy in force ({@link CallLimits}) and the security manager's {@link Quarantine}. */
final class PluginLimitsImpl implements PluginLimits {

    private final PolicyStore store;
    private final Quarantine quarantine;

    PluginLimitsImpl(PolicyStore store, Quarantine quarantine) {
        this.store = store;
        this.quarantine = quarantine;
    }

    private CallLimits limits() {
        return store.policy().calls();
    }

    @Override
    public Duration deadline(Bundle plugin, String kind) {
        return Duration.ofMillis(limits().deadlineMillis(String.valueOf(plugin.getSymbolicName()), kind));
    }

    @Override
    public Optional<Duration> pluginDeadline(Bundle plugin) {
        return limits().pluginDeadlineMillis(String.valueOf(plugin.getSymbolicName())).map(Duration::ofMillis);
    }

    @Override
    public long overrunsBeforeQuarantine(Bundle plugin) {
        return limits().overruns(String.valueOf(plugin.getSymbolicName()));
    }

    @Override
    public Optional<Boolean> validatorFailsOpen(String symbolicName, String tenant) {
        return limits().failOpen(symbolicName, tenant);
    }

    @Override
    public long pluginDataBytes(String symbolicName) {
        return limits().dataBytes(symbolicName);
    }

    @Override
    public java.util.OptionalInt wasmMemoryPages(Bundle plugin) {
        return limits().wasmMemoryPages(String.valueOf(plugin.getSymbolicName()));
    }

    @Override
    public java.util.OptionalInt wasmInstances(Bundle plugin) {
        return limits().wasmInstances(String.valueOf(plugin.getSymbolicName()));
    }

    @Override
    public long pendingNotifications(String symbolicName) {
        return limits().stores().of(StoreLimits.NOTIFICATIONS, symbolicName);
    }

    @Override
    public long notificationBytes(String symbolicName) {
        return limits().stores().of(StoreLimits.NOTIFICATION_KIB, symbolicName) * 1024;
    }

    @Override
    public long jobs(String symbolicName) {
        return limits().stores().of(StoreLimits.JOBS, symbolicName);
    }

    @Override
    public void quarantine(Bundle plugin, String because) {
        quarantine.quarantineBecause(plugin, because);
    }

    @Override
    public Optional<String> quarantined(Bundle plugin) {
        return Optional.ofNullable(quarantine.reason(plugin.getBundleId()));
    }
}
