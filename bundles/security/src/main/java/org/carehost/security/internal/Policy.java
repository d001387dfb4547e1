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
     * The run-time budgets: threads a plugin may have running, bytes per second its threads may allocate (measured
     * each second), and the share of one core its threads may use (in percent, over the last
     * {@value BudgetWatch#CPU_WINDOW_SECONDS} seconds); over any, the plugin is stopped and quarantined.
     */
    record Budgets(Map<String, Long> threads, long defaultThreads, Map<String, Long> allocation,
            long defaultAllocationMbPerSecond, Map<String, Long> cpu, long defaultCpuPercent) {

        static final long DEFAULT_THREADS = 32;
        static final long DEFAULT_ALLOCATION_MB_PER_SECOND = 512;
        static final long DEFAULT_CPU_PERCENT = 90;
        static final Budgets DEFAULT = new Budgets(Map.of(), DEFAULT_THREADS, Map.of(), DEFAULT_ALLOCATION_MB_PER_SECOND,
                Map.of(), DEFAULT_CPU_PERCENT);

        Budgets {
            threads = Map.copyOf(threads);
            allocation = Map.copyOf(allocation);
            cpu = Map.copyOf(cpu);
        }

        /** The share of one core, in percent, a plugin's threads may use; 0: no limit. */
        long cpuPercent(String symbolicName) {
            return cpu.getOrDefault(symbolicName, defaultCpuPercent);
        }

        long threads(String symbolicName) {
            return threads.getOrDefault(symbolicName, defaultThreads);
        }

        long allocationBytesPerSecond(String symbolicName) {
            return allocation.getOrDefault(symbolicName, defaultAllocationMbPerSecond) * 1024 * 1024;
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
