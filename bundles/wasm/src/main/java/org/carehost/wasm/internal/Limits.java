package org.carehost.wasm.internal;

import java.util.Map;

/**
 * What one WebAssembly plugin may use: linear memory (64 KiB pages), time per call, instances (each caller gets an
 * instance of its own, so concurrent calls never share memory), input and output bytes per call, and how many calls
 * in a row may fail before the plugin is quarantined. The container's settings ({@link WasmConfig}) are the defaults
 * and the ceiling: a plugin may ask for less in its {@code Carehost-Wasm} header, never for more, and the policy file
 * may lower a plugin's memory pages and instances further (and its deadline, read at each call: {@link WasmPlugin}).
 */
record Limits(int memoryPages, long deadlineMillis, int instances, int maxInputBytes, int maxOutputBytes,
        int failuresToQuarantine) {

    static final String MEMORY_PAGES = "memory-pages";
    static final String DEADLINE_MS = "deadline-ms";
    static final String INSTANCES = "instances";
    static final String MAX_INPUT = "max-input";
    static final String MAX_OUTPUT = "max-output";
    static final String FAILURES = "failures";

    static Limits of(WasmConfig config) {
        return new Limits(config.memoryPages(), config.deadlineMillis(), config.instances(), config.maxInputBytes(),
                config.maxOutputBytes(), config.failuresToQuarantine());
    }

    /**
     * These limits lowered to what the plugin asks for.
     *
     * @throws IllegalArgumentException naming the attribute when a value is not a positive whole number
     */
    Limits narrowedBy(Map<String, String> asked) {
        return new Limits(
                (int) lower(asked, MEMORY_PAGES, memoryPages),
                lower(asked, DEADLINE_MS, deadlineMillis),
                (int) lower(asked, INSTANCES, instances),
                (int) lower(asked, MAX_INPUT, maxInputBytes),
                (int) lower(asked, MAX_OUTPUT, maxOutputBytes),
                (int) lower(asked, FAILURES, failuresToQuarantine));
    }

    /**
     * These limits lowered to the policy's caps for the plugin ({@code wasm-memory-pages plugin <name> <pages>},
     * {@code wasm-instances plugin <name> <n>}), when it names any; never raised.
     */
    Limits narrowedByPolicy(java.util.OptionalInt policyPages, java.util.OptionalInt policyInstances) {
        return new Limits(Math.min(memoryPages, policyPages.orElse(memoryPages)), deadlineMillis,
                Math.min(instances, policyInstances.orElse(instances)), maxInputBytes, maxOutputBytes,
                failuresToQuarantine);
    }

    private static long lower(Map<String, String> asked, String key, long ceiling) {
        String value = asked.get(key);
        if (value == null) {
            return ceiling;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a whole number");
        }
        if (parsed < 1) {
            throw new IllegalArgumentException(key + "=" + value + " must be 1 or more");
        }
        return Math.min(parsed, ceiling);
    }

    @Override
    public String toString() {
        return memoryPages + " pages (" + memoryPages / 16 + " MiB), " + deadlineMillis + " ms per call, "
                + instances + " instances, input " + maxInputBytes + " B, output " + maxOutputBytes + " B";
    }
}
