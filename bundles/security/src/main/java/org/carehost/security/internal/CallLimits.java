package org.carehost.security.internal;

import java.util.Map;
import java.util.Optional;

/**
 * The policy's limits on calls the host makes into plugins: a deadline per kind of call (overridden per plugin),
 * how many overruns in a row quarantine a plugin, whether a validator's failure lets the write through
 * ({@code fail-open}) or rejects it ({@code fail-closed}), per plugin and optionally per tenant, and the bytes of
 * plugin data each plugin may keep.
 *
 * @param kindDeadlines milliseconds per kind (validator, transformer, notifier, adapter, workflow, event, schedule)
 * @param pluginDeadlines milliseconds per plugin symbolic name, for every kind
 * @param defaultOverruns overruns in a row that quarantine a plugin (0: never)
 * @param overruns the same per plugin
 * @param failOpen per {@code <symbolic-name>} or {@code <symbolic-name>@<tenant>}: true for fail-open
 * @param defaultDataKb plugin data a plugin may keep per tenant, in KiB
 * @param dataKb the same per plugin
 * @param wasmMemoryPages a WebAssembly plugin's linear memory per instance, in 64 KiB pages, per plugin
 * @param wasmInstances a WebAssembly plugin's instances, per plugin
 * @param stores what a plugin keeps in the store besides its plugin data (pending notifications, their size, jobs)
 */
record CallLimits(Map<String, Long> kindDeadlines, Map<String, Long> pluginDeadlines, long defaultOverruns,
        Map<String, Long> overruns, Map<String, Boolean> failOpen, long defaultDataKb, Map<String, Long> dataKb,
        Map<String, Long> wasmMemoryPages, Map<String, Long> wasmInstances, StoreLimits stores) {

    static final Map<String, Long> DEFAULT_DEADLINES = Map.of("validator", 2000L, "transformer", 2000L,
            "notifier", 10_000L, "adapter", 10_000L, "workflow", 10_000L, "event", 5000L, "schedule", 30_000L,
            "authenticator", 5000L);
    static final long DEFAULT_OVERRUNS = 3;
    static final long DEFAULT_DATA_KB = 10 * 1024;
    /** The most a WebAssembly memory can have: 4 GiB. */
    static final long MAX_WASM_MEMORY_PAGES = 65_536;
    static final long MAX_WASM_INSTANCES = 64;
    static final CallLimits DEFAULT = new CallLimits(DEFAULT_DEADLINES, Map.of(), DEFAULT_OVERRUNS, Map.of(), Map.of(),
            DEFAULT_DATA_KB, Map.of(), Map.of(), Map.of(), StoreLimits.DEFAULT);

    CallLimits {
        kindDeadlines = Map.copyOf(kindDeadlines);
        pluginDeadlines = Map.copyOf(pluginDeadlines);
        overruns = Map.copyOf(overruns);
        failOpen = Map.copyOf(failOpen);
        dataKb = Map.copyOf(dataKb);
        wasmMemoryPages = Map.copyOf(wasmMemoryPages);
        wasmInstances = Map.copyOf(wasmInstances);
    }

    /** The deadline of a call of {@code kind} into the plugin, in milliseconds. */
    long deadlineMillis(String symbolicName, String kind) {
        Long own = pluginDeadlines.get(symbolicName);
        if (own != null) {
            return own;
        }
        return kindDeadlines.getOrDefault(kind, DEFAULT_DEADLINES.getOrDefault(kind, 5000L));
    }

    /** The policy's {@code deadline plugin <name> <ms>} for the plugin, if it has one. */
    Optional<Long> pluginDeadlineMillis(String symbolicName) {
        return Optional.ofNullable(pluginDeadlines.get(symbolicName));
    }

    long overruns(String symbolicName) {
        return overruns.getOrDefault(symbolicName, defaultOverruns);
    }

    /** The operator's choice for a validator: the tenant's entry first, then the plugin's; empty when neither. */
    Optional<Boolean> failOpen(String symbolicName, String tenant) {
        Boolean forTenant = tenant == null ? null : failOpen.get(symbolicName + "@" + tenant);
        return Optional.ofNullable(forTenant != null ? forTenant : failOpen.get(symbolicName));
    }

    /** The policy's cap on a WebAssembly plugin's memory pages per instance; empty when it names none. */
    java.util.OptionalInt wasmMemoryPages(String symbolicName) {
        Long pages = wasmMemoryPages.get(symbolicName);
        return pages == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(pages.intValue());
    }

    /** The policy's cap on a WebAssembly plugin's instances; empty when it names none. */
    java.util.OptionalInt wasmInstances(String symbolicName) {
        Long instances = wasmInstances.get(symbolicName);
        return instances == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(instances.intValue());
    }

    long dataBytes(String symbolicName) {
        return dataKb.getOrDefault(symbolicName, defaultDataKb) * 1024;
    }
}
