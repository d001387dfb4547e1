package org.carehost.clinical.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * The log's line for a validator that could not check a write (it threw, overran its deadline, was quarantined): the
 * writer gets the refusal, the audit record names it, and the log tells the operator, once per validator and outcome
 * a minute at most, with how many writes it failed since its last line (a broken validator fails every write, and a
 * ward writes thousands a minute). The validator's own message stays out of the log: it may carry patient data.
 * The interval is measured on {@link System#nanoTime()}: it only spaces lines out, it tells no time of day.
 */
final class ValidatorFailureLog {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    /** By plugin (its bundle id: a reinstalled one starts afresh), outcome and tenant: its last line, failures since. */
    private final Map<String, long[]> lines = new ConcurrentHashMap<>();

    ValidatorFailureLog(Logger log) {
        this.log = log;
    }

    /**
     * @param reason how the call failed, in the plugin calls' words (threw, deadline, quarantined)
     * @param failsOpen whether the write went through without it
     */
    void failed(String plugin, long bundleId, String resourceType, String tenant, String reason, boolean failsOpen) {
        String key = bundleId + "\u0000" + reason + '\u0000' + tenant + '\u0000' + failsOpen;
        long now = System.nanoTime();
        long[] since = new long[1];
        boolean write = lines.compute(key, (k, last) -> {
            if (last == null || now - last[0] >= INTERVAL_NANOS) {
                since[0] = last == null ? 0 : last[1];
                return new long[] {now, 0};
            }
            last[1]++;
            return last;
        })[1] == 0;
        if (write) {
            log.warn("Validator of plugin {} could not check a {} in tenant {} ({}): {}{}. audit:query shows the writes; "
                    + "tenant:validation {} --tenant {} shows the setting.", plugin, resourceType, tenant, reason,
                    failsOpen ? "the write went through (fail-open)" : "the write was refused (fail-closed)",
                    since[0] == 0 ? "" : "; " + since[0] + " more such failures since its last line", plugin, tenant);
        }
    }
}
