package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.carehost.security.internal.Policy.Rule;
import org.osgi.framework.VersionRange;

/**
 * The policy file's lines read into a {@link Policy}: each line split into words, each entry checked, and the first
 * mistake refused with its line number and the form the entry takes ({@link PolicyFile} has the grammar). Entries
 * about calls into plugins (deadlines, overruns, validation, plugin data) are read by {@link CallLimitLines}.
 */
final class PolicyParser {

    private PolicyParser() {
    }

    static Policy parse(List<String> lines, String source) throws PolicyException {
        SecurityMode mode = SecurityMode.DEVELOPMENT;
        List<Rule> grants = new ArrayList<>();
        List<Rule> denials = new ArrayList<>();
        List<String> imports = new ArrayList<>();
        java.util.Map<String, Long> quotas = new java.util.HashMap<>();
        long defaultQuota = 0;
        long patientsPerHour = Policy.DEFAULT_PATIENTS_PER_HOUR;
        long denialsPerMinute = Policy.DEFAULT_DENIALS_PER_MINUTE;
        java.util.Map<String, java.util.Map<String, Long>> budgets = new java.util.HashMap<>();
        java.util.Map<String, Long> budgetDefaults = new java.util.HashMap<>();
        boolean modeSeen = false;
        CallLimitLines calls = new CallLimitLines();
        for (int i = 0; i < lines.size(); i++) {
            String where = source + " line " + (i + 1) + ": ";
            List<String> words = words(lines.get(i), where);
            if (words.isEmpty()) {
                continue;
            }
            switch (words.get(0)) {
                case "mode":
                    if (words.size() != 2 || modeOf(words.get(1)) == null) {
                        throw new PolicyException(where + "write 'mode development' or 'mode production'");
                    }
                    if (modeSeen) {
                        throw new PolicyException(where + "the mode is set twice");
                    }
                    modeSeen = true;
                    mode = modeOf(words.get(1));
                    break;
                case "grant":
                    grants.add(rule(words, where));
                    break;
                case "deny":
                    Rule denial = rule(words, where);
                    if (denial.signer()) {
                        throw new PolicyException(where + "deny names plugins, not signers (remove the signer's grant)");
                    }
                    denials.add(denial);
                    break;
                case "allow-import":
                    if (words.size() < 2) {
                        throw new PolicyException(where + "name at least one package, e.g. allow-import com.example.lib.*");
                    }
                    for (String pattern : words.subList(1, words.size())) {
                        if (!pattern.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(\\.\\*)?")) {
                            throw new PolicyException(where + "'" + pattern + "' is not a package name or prefix.*");
                        }
                        imports.add(pattern);
                    }
                    break;
                case "quota":
                    if (words.size() == 3 && words.get(1).equals("default")) {
                        defaultQuota = count(words.get(2), where);
                    } else if (words.size() == 4 && words.get(1).equals("plugin")) {
                        quotas.put(words.get(2), count(words.get(3), where));
                    } else {
                        throw new PolicyException(where + "write 'quota plugin <symbolic-name> <calls-per-minute>' "
                                + "or 'quota default <calls-per-minute>'");
                    }
                    break;
                case "anomaly":
                    if (words.size() == 3 && words.get(1).equals("patients-per-hour")) {
                        patientsPerHour = count(words.get(2), where);
                    } else if (words.size() == 3 && words.get(1).equals("denials-per-minute")) {
                        denialsPerMinute = count(words.get(2), where);
                        if (denialsPerMinute > Policy.MAX_DENIALS_PER_MINUTE) {
                            throw new PolicyException(where + "anomaly denials-per-minute is at most "
                                    + Policy.MAX_DENIALS_PER_MINUTE + " (0 turns it off)");
                        }
                    } else {
                        throw new PolicyException(where + "write 'anomaly patients-per-hour <n>' or "
                                + "'anomaly denials-per-minute <n>'");
                    }
                    break;
                case Policy.Budgets.THREADS:
                case Policy.Budgets.ALLOCATION:
                case Policy.Budgets.CPU:
                case Policy.Budgets.NATIVE_MEMORY:
                    String budget = words.get(0);
                    if (words.size() == 3 && words.get(1).equals("default")) {
                        budgetDefaults.put(budget, count(words.get(2), where));
                    } else if (words.size() == 4 && words.get(1).equals("plugin")) {
                        budgets.computeIfAbsent(budget, b -> new java.util.HashMap<>())
                                .put(words.get(2), count(words.get(3), where));
                    } else {
                        throw new PolicyException(where + "write '" + budget + " plugin <symbolic-name> <"
                                + Policy.Budgets.UNITS.get(budget) + ">' or '" + budget + " default <n>'");
                    }
                    break;
                default:
                    if (!calls.accept(words, where)) {
                        throw new PolicyException(where + "unknown entry '" + words.get(0) + "'; entries are mode, "
                                + "grant, deny, allow-import, quota, anomaly, threads, allocation, cpu, native-memory, "
                                + String.join(", ", CallLimitLines.ENTRIES));
                    }
            }
        }
        return new Policy(mode, grants, denials, imports, quotas, defaultQuota, patientsPerHour,
                new Policy.Budgets(budgets, budgetDefaults), calls.limits(),
                denialsPerMinute);
    }

    private static int port(String word, String where) throws PolicyException {
        int port = Integer.parseInt(word);
        if (port < 1 || port > 65535) {
            throw new PolicyException(where + "'" + word + "' is not a port from 1 to 65535");
        }
        return port;
    }

    /** A whole number from 0 (none) to a billion. */
    static long count(String word, String where) throws PolicyException {
        try {
            long value = Long.parseLong(word);
            if (value >= 0 && value <= 1_000_000_000L) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // the message below
        }
        throw new PolicyException(where + "'" + word + "' is not a whole number from 0 (none) to 1000000000");
    }

    private static Rule rule(List<String> words, String where) throws PolicyException {
        if (words.size() < 4 || !(words.get(1).equals("plugin") || words.get(1).equals("signer"))) {
            throw new PolicyException(where + "write '" + words.get(0) + " plugin <symbolic-name> [<version-range>] "
                    + "<permission>...' or 'grant signer \"<subject DN>\" <permission>...'");
        }
        boolean signer = words.get(1).equals("signer");
        String subject = words.get(2);
        int next = 3;
        VersionRange versions = null;
        String maybeRange = words.get(3);
        if (!signer && (maybeRange.startsWith("[") || maybeRange.startsWith("(") || maybeRange.equals("*"))) {
            if (!maybeRange.equals("*")) {
                try {
                    versions = VersionRange.valueOf(maybeRange);
                } catch (IllegalArgumentException e) {
                    throw new PolicyException(where + "'" + maybeRange + "' is not a version range, e.g. [1.0,2.0)");
                }
            }
            next = 4;
        }
        if (next >= words.size()) {
            throw new PolicyException(where + "name at least one permission (" + Permission.validNames() + ")");
        }
        long bits = 0;
        List<String> connect = new ArrayList<>();
        List<Integer> listen = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        Permission last = null;
        for (String name : words.subList(next, words.size())) {
            java.util.Optional<Permission> named = Permission.named(name);
            if (named.isPresent()) {
                last = named.get();
                bits |= last.bit();
            } else if (last == Permission.USE_NETWORK && words.get(0).equals("grant")
                    && name.matches("listen:\\d{1,5}")) {
                listen.add(port(name.substring("listen:".length()), where));
            } else if (last == Permission.USE_NETWORK && words.get(0).equals("grant")
                    && name.matches("[A-Za-z0-9.\\-\\[\\]:]+:(\\d{1,5}|\\*)")) {
                String port = name.substring(name.lastIndexOf(':') + 1);
                if (!port.equals("*")) {
                    port(port, where);
                }
                connect.add(name.toLowerCase(Locale.ROOT));
            } else if (last == Permission.USE_FILES && words.get(0).equals("grant") && name.startsWith("/")) {
                folders.add(java.nio.file.Paths.get(name).normalize().toString());
            } else {
                throw new PolicyException(where + "unknown permission '" + name + "'; valid: " + Permission.validNames()
                        + " (after use:network: host:port, host:* or listen:port; after use:files: an absolute folder)");
            }
        }
        return new Rule(signer, subject, versions, bits, connect, listen, folders);
    }

    private static SecurityMode modeOf(String word) {
        for (SecurityMode mode : SecurityMode.values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(word)) {
                return mode;
            }
        }
        return null;
    }

    /** Splits a line into words; "double quotes" keep spaces (signer DNs); '#' starts a comment outside quotes. */
    static List<String> words(String line, String where) throws PolicyException {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                quoted = true;
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (Character.isISOControl(c)) {
                throw new PolicyException(where + "control character in the line");
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new PolicyException(where + "a quote is not closed");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
