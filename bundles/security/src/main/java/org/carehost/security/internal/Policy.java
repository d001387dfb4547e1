package org.carehost.security.internal;

import java.util.List;
import java.util.Map;

import org.carehost.security.SecurityMode;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The operator's policy as parsed from the policy file: the mode, grants per plugin (and version range) or per
 * signer, denials that override any grant, the packages plugins may import besides the defaults, quotas of
 * host-service calls per minute, the distinct-patients-per-hour threshold of an access anomaly, the run-time budgets
 * and the limits of the host's calls into plugins ({@link CallLimits}).
 */
record Policy(SecurityMode mode, List<Rule> grants, List<Rule> denials, List<String> allowedImports,
        Map<String, Long> quotas, long defaultQuota, long patientsPerHour, Budgets budgets, CallLimits calls,
        long denialsPerMinute) {

    /** Distinct patients a plugin may touch within an hour before an access anomaly is raised, by default. */
    static final long DEFAULT_PATIENTS_PER_HOUR = 1000;

    /** Refusals of one plugin within a minute before an access anomaly is raised, by default. */
    static final long DEFAULT_DENIALS_PER_MINUTE = 30;

    /** The most refusals per minute the policy may set as the threshold (the window keeps one time per refusal). */
    static final long MAX_DENIALS_PER_MINUTE = 10_000;

    static final Policy DEVELOPMENT_DEFAULT = new Policy(SecurityMode.DEVELOPMENT, List.of(), List.of(), List.of(),
            Map.of(), 0, DEFAULT_PATIENTS_PER_HOUR);

    Policy(SecurityMode mode, List<Rule> grants, List<Rule> denials, List<String> allowedImports,
            Map<String, Long> quotas, long defaultQuota, long patientsPerHour) {
        this(mode, grants, denials, allowedImports, quotas, defaultQuota, patientsPerHour, Budgets.DEFAULT);
    }

    Policy(SecurityMode mode, List<Rule> grants, List<Rule> denials, List<String> allowedImports,
            Map<String, Long> quotas, long defaultQuota, long patientsPerHour, Budgets budgets) {
        this(mode, grants, denials, allowedImports, quotas, defaultQuota, patientsPerHour, budgets, CallLimits.DEFAULT);
    }

    Policy(SecurityMode mode, List<Rule> grants, List<Rule> denials, List<String> allowedImports,
            Map<String, Long> quotas, long defaultQuota, long patientsPerHour, Budgets budgets, CallLimits calls) {
        this(mode, grants, denials, allowedImports, quotas, defaultQuota, patientsPerHour, budgets, calls,
                DEFAULT_DENIALS_PER_MINUTE);
    }

    Policy {
        grants = List.copyOf(grants);
        denials = List.copyOf(denials);
        allowedImports = List.copyOf(allowedImports);
        quotas = Map.copyOf(quotas);
    }

    /** This policy with another mode, all else the same (a preview of {@code security:mode}). */
    Policy inMode(SecurityMode other) {
        return new Policy(other, grants, denials, allowedImports, quotas, defaultQuota, patientsPerHour, budgets, calls,
                denialsPerMinute);
    }

    /** The plugin's host-service calls per minute (0: no quota). */
    long quota(String symbolicName) {
        return quotas.getOrDefault(symbolicName, defaultQuota);
    }

    /**
     * Whom a rule is about: a plugin's symbolic name (with the versions it covers) or a signer's subject DN; and, for
     * a grant, what narrows or widens its ambient permissions: the hosts {@code use:network} may reach
     * ({@code host:port}, {@code *} for any port; none named: any host), the ports it may listen on
     * ({@code listen:port}) and folders {@code use:files} reaches besides the plugin's own.
     */
    record Rule(boolean signer, String subject, VersionRange versions, long permissions, List<String> connect,
            List<Integer> listen, List<String> folders) {

        Rule {
            connect = List.copyOf(connect);
            listen = List.copyOf(listen);
            folders = List.copyOf(folders);
        }

        boolean matches(String symbolicName, Version version, String signerDn) {
            if (signer) {
                return subject.equals(signerDn);
            }
            return subject.equals(symbolicName) && (versions == null || versions.includes(version));
        }
    }

    /** The permission bits the grant rules give this plugin (before intersecting with what it declares). */
    long granted(String symbolicName, Version version, String signerDn) {
        return union(grants, symbolicName, version, signerDn);
    }

    long denied(String symbolicName, Version version, String signerDn) {
        return union(denials, symbolicName, version, signerDn);
    }

    /** The network and file scopes of every grant that matches the plugin. */
    Scopes scopes(String symbolicName, Version version, String signerDn) {
        List<String> connect = new java.util.ArrayList<>();
        List<Integer> listen = new java.util.ArrayList<>();
        List<String> folders = new java.util.ArrayList<>();
        for (Rule rule : grants) {
            if (rule.matches(symbolicName, version, signerDn)) {
                connect.addAll(rule.connect());
                listen.addAll(rule.listen());
                folders.addAll(rule.folders());
            }
        }
        return new Scopes(connect, listen, folders);
    }

    /** Where a plugin's ambient grants reach: see {@link Rule}. */
    record Scopes(List<String> connect, List<Integer> listen, List<String> folders) {
        static final Scopes NONE = new Scopes(List.of(), List.of(), List.of());
    }

    /**
     * The run-time budgets, each by plugin with a default ({@code <name> plugin <bsn> <n>}, {@code <name> default <n>}):
     * threads a plugin may have running, bytes per second its threads may allocate (measured each second), the share
     * of one core its threads may use (in percent, over the last {@value BudgetWatch#CPU_WINDOW_SECONDS} seconds), and
     * the native memory its live zip streams, direct buffers and foreign arenas may hold ({@link NativeHoldings}); over
     * any of the first three the plugin is stopped and quarantined, and what would take it over the last is refused.
     */
    record Budgets(Map<String, Map<String, Long>> perPlugin, Map<String, Long> defaults) {

        static final String THREADS = "threads";
        static final String ALLOCATION = "allocation";
        static final String CPU = "cpu";
        static final String NATIVE_MEMORY = "native-memory";
        /** Each budget's name in the policy, and the unit of its number (for the parser's message). */
        static final Map<String, String> UNITS = Map.of(THREADS, "threads", ALLOCATION, "MB-per-second", CPU,
                "percent-of-one-core", NATIVE_MEMORY, "MB");
        static final long DEFAULT_THREADS = 32;
        static final long DEFAULT_ALLOCATION_MB_PER_SECOND = 512;
        static final long DEFAULT_CPU_PERCENT = 90;
        static final long DEFAULT_NATIVE_MEMORY_MB = 256;
        static final Map<String, Long> DEFAULTS = Map.of(THREADS, DEFAULT_THREADS, ALLOCATION,
                DEFAULT_ALLOCATION_MB_PER_SECOND, CPU, DEFAULT_CPU_PERCENT, NATIVE_MEMORY, DEFAULT_NATIVE_MEMORY_MB);
        static final Budgets DEFAULT = new Budgets(Map.of(), DEFAULTS);

        Budgets {
            Map<String, Map<String, Long>> copy = new java.util.HashMap<>();
            perPlugin.forEach((name, plugins) -> copy.put(name, Map.copyOf(plugins)));
            perPlugin = Map.copyOf(copy);
            Map<String, Long> all = new java.util.HashMap<>(DEFAULTS);
            all.putAll(defaults);
            defaults = Map.copyOf(all);
        }

        private long of(String budget, String symbolicName) {
            return perPlugin.getOrDefault(budget, Map.of()).getOrDefault(symbolicName, defaults.get(budget));
        }

        /** The share of one core, in percent, a plugin's threads may use; 0: no limit. */
        long cpuPercent(String symbolicName) {
            return of(CPU, symbolicName);
        }

        long threads(String symbolicName) {
            return of(THREADS, symbolicName);
        }

        long allocationBytesPerSecond(String symbolicName) {
            return of(ALLOCATION, symbolicName) * 1024 * 1024;
        }

        /** The bytes of native memory a plugin's live zip streams, direct buffers and arenas may hold. */
        long nativeMemoryBytes(String symbolicName) {
            return of(NATIVE_MEMORY, symbolicName) * 1024 * 1024;
        }
    }

    private static long union(List<Rule> rules, String symbolicName, Version version, String signerDn) {
        long bits = 0;
        for (Rule rule : rules) {
            if (rule.matches(symbolicName, version, signerDn)) {
                bits |= rule.permissions();
            }
        }
        return bits;
    }
}
