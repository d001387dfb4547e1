package org.carehost.security.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy file's entries about calls into plugins, parsed into {@link CallLimits}:
 *
 * <pre>
 * deadline &lt;kind&gt; &lt;ms&gt;                      deadline plugin &lt;symbolic-name&gt; &lt;ms&gt;
 * overruns default &lt;n&gt;                       overruns plugin &lt;symbolic-name&gt; &lt;n&gt;
 * validation plugin &lt;symbolic-name&gt; fail-open|fail-closed [tenant &lt;tenant&gt;]
 * plugin-data default &lt;KiB&gt;                   plugin-data plugin &lt;symbolic-name&gt; &lt;KiB&gt;
 * wasm-memory-pages plugin &lt;symbolic-name&gt; &lt;pages&gt;   wasm-instances plugin &lt;symbolic-name&gt; &lt;n&gt;
 * notifications default &lt;n&gt;                 notifications plugin &lt;symbolic-name&gt; &lt;n&gt;
 * notification-kib default &lt;KiB&gt;            notification-kib plugin &lt;symbolic-name&gt; &lt;KiB&gt;
 * jobs default &lt;n&gt;                          jobs plugin &lt;symbolic-name&gt; &lt;n&gt;
 * </pre>
 */
final class CallLimitLines {

    static final List<String> ENTRIES = List.of("deadline", "overruns", "validation", "plugin-data",
            "wasm-memory-pages", "wasm-instances", StoreLimits.NOTIFICATIONS, StoreLimits.NOTIFICATION_KIB,
            StoreLimits.JOBS);

    private final Map<String, Long> kindDeadlines = new HashMap<>(CallLimits.DEFAULT_DEADLINES);
    private final Map<String, Long> pluginDeadlines = new HashMap<>();
    private long defaultOverruns = CallLimits.DEFAULT_OVERRUNS;
    private final Map<String, Long> overruns = new HashMap<>();
    private final Map<String, Boolean> failOpen = new HashMap<>();
    private long defaultDataKb = CallLimits.DEFAULT_DATA_KB;
    private final Map<String, Long> dataKb = new HashMap<>();
    private final Map<String, Long> wasmMemoryPages = new HashMap<>();
    private final Map<String, Long> wasmInstances = new HashMap<>();
    private final Map<String, Long> storeDefaults = new HashMap<>(StoreLimits.DEFAULTS);
    private final Map<String, Map<String, Long>> storePlugins = new HashMap<>();

    /** Takes one of {@link #ENTRIES}; false when the line is none of them. */
    boolean accept(List<String> words, String where) throws PolicyException {
        switch (words.get(0)) {
            case "deadline":
                if (words.size() == 4 && words.get(1).equals("plugin")) {
                    pluginDeadlines.put(words.get(2), millis(words.get(3), where));
                } else if (words.size() == 3 && CallLimits.DEFAULT_DEADLINES.containsKey(words.get(1))) {
                    kindDeadlines.put(words.get(1), millis(words.get(2), where));
                } else {
                    throw new PolicyException(where + "write 'deadline <kind> <ms>' (kinds: "
                            + String.join(", ", new java.util.TreeSet<>(CallLimits.DEFAULT_DEADLINES.keySet()))
                            + ") or 'deadline plugin <symbolic-name> <ms>'");
                }
                return true;
            case "overruns":
            case "plugin-data":
                boolean isOverruns = words.get(0).equals("overruns");
                if (words.size() == 3 && words.get(1).equals("default")) {
                    long value = PolicyParser.count(words.get(2), where);
                    if (isOverruns) {
                        defaultOverruns = value;
                    } else {
                        defaultDataKb = value;
                    }
                } else if (words.size() == 4 && words.get(1).equals("plugin")) {
                    (isOverruns ? overruns : dataKb).put(words.get(2), PolicyParser.count(words.get(3), where));
                } else {
                    throw new PolicyException(where + "write '" + words.get(0) + " plugin <symbolic-name> <"
                            + (isOverruns ? "n" : "KiB") + ">' or '" + words.get(0) + " default <n>'");
                }
                return true;
            case "validation":
                boolean forTenant = words.size() == 6 && words.get(4).equals("tenant");
                if (!(words.size() == 4 || forTenant) || !words.get(1).equals("plugin")
                        || !(words.get(3).equals("fail-open") || words.get(3).equals("fail-closed"))) {
                    throw new PolicyException(where + "write 'validation plugin <symbolic-name> fail-open|fail-closed "
                            + "[tenant <tenant>]'");
                }
                failOpen.put(words.get(2) + (forTenant ? "@" + words.get(5) : ""), words.get(3).equals("fail-open"));
                return true;
            case "wasm-memory-pages":
            case "wasm-instances":
                boolean pages = words.get(0).equals("wasm-memory-pages");
                long most = pages ? CallLimits.MAX_WASM_MEMORY_PAGES : CallLimits.MAX_WASM_INSTANCES;
                if (words.size() != 4 || !words.get(1).equals("plugin")) {
                    throw new PolicyException(where + "write '" + words.get(0) + " plugin <symbolic-name> <"
                            + (pages ? "pages" : "n") + ">' (a WebAssembly plugin's " + (pages
                            ? "linear memory per instance, in 64 KiB pages" : "instances") + ", from 1 to " + most
                            + "; the defaults are in etc/org.carehost.wasm.cfg)");
                }
                long value = PolicyParser.count(words.get(3), where);
                if (value < 1 || value > most) {
                    throw new PolicyException(where + "'" + words.get(3) + "' is not from 1 to " + most);
                }
                (pages ? wasmMemoryPages : wasmInstances).put(words.get(2), value);
                return true;
            case StoreLimits.NOTIFICATIONS:
            case StoreLimits.NOTIFICATION_KIB:
            case StoreLimits.JOBS:
                String entry = words.get(0);
                if (words.size() == 3 && words.get(1).equals("default")) {
                    storeDefaults.put(entry, atLeastOne(words.get(2), where));
                } else if (words.size() == 4 && words.get(1).equals("plugin")) {
                    storePlugins.computeIfAbsent(entry, e -> new HashMap<>()).put(words.get(2),
                            atLeastOne(words.get(3), where));
                } else {
                    String unit = StoreLimits.UNITS.get(entry);
                    throw new PolicyException(where + "write '" + entry + " plugin <symbolic-name> <" + unit + ">' or '"
                            + entry + " default <" + unit + ">' (default " + StoreLimits.DEFAULTS.get(entry) + ")");
                }
                return true;
            default:
                return false;
        }
    }

    /** A count of at least 1: a limit of 0 would refuse every notification or job, which is what no grant says. */
    private static long atLeastOne(String word, String where) throws PolicyException {
        long value = PolicyParser.count(word, where);
        if (value < 1) {
            throw new PolicyException(where + "'" + word + "' is not at least 1 (to refuse all, withhold the grant)");
        }
        return value;
    }

    CallLimits limits() {
        return new CallLimits(kindDeadlines, pluginDeadlines, defaultOverruns, overruns, failOpen, defaultDataKb, dataKb,
                wasmMemoryPages, wasmInstances, new StoreLimits(storeDefaults, storePlugins));
    }

    /** From 1 ms to an hour: a deadline of zero would fail every call. */
    private static long millis(String word, String where) throws PolicyException {
        try {
            long value = Long.parseLong(word);
            if (value >= 1 && value <= 3_600_000L) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // the message below
        }
        throw new PolicyException(where + "'" + word + "' is not a deadline in milliseconds from 1 to 3600000");
    }
}
