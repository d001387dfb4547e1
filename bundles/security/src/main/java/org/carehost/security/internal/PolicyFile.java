package org.carehost.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.carehost.security.Permission;
import org.carehost.security.SecurityMode;
import org.carehost.security.internal.Policy.Rule;
import org.osgi.framework.VersionRange;

/**
 * The policy file in {@code etc/security/}: plain lines an operator can read, edit and keep under version
 * control. The shell's changes edit it line by line (comments and order stay) and replace it atomically.
 *
 * <pre>
 * mode development|production
 * grant plugin &lt;symbolic-name&gt; [&lt;version-range&gt;] &lt;permission&gt;...
 * grant signer "&lt;subject DN&gt;" &lt;permission&gt;...
 * deny plugin &lt;symbolic-name&gt; [&lt;version-range&gt;] &lt;permission&gt;...
 * allow-import &lt;package or prefix.*&gt;...
 * </pre>
 */
final class PolicyFile {

    static final String TEMPLATE = String.join("\n",
            "# Carehost security policy: which of the permissions a plugin declares it actually gets.",
            "# Changed by plugin:grant, plugin:revoke and security:mode, or by hand: the container re-reads it within",
            "# two seconds. A file with an error is refused whole and the previous policy stays in force",
            "# (security:status shows the error).",
            "#",
            "#   mode development | production",
            "#     development: declared host-service permissions (read:patients, ...) are granted without an entry;",
            "#                  ambient ones (use:network, use:files, ...) never are; unsigned plugins run.",
            "#     production:  nothing is granted without an entry; only plugins signed by a certificate in the",
            "#                  trust store (etc/security/trusted/) resolve.",
            "#   grant plugin <symbolic-name> [<version-range>] <permission>...",
            "#   grant signer \"<subject DN>\" <permission>...",
            "#   deny plugin <symbolic-name> [<version-range>] <permission>...     (overrides every grant)",
            "#   allow-import <package or prefix.*>...   (besides the SDK, the OSGi APIs and Jackson)",
            "#   quota plugin <symbolic-name> <calls-per-minute>    quota default <calls-per-minute>   (host-service calls)",
            "#   anomaly patients-per-hour <n>   (distinct patients a plugin may touch in an hour before an alert; 1000)",
            "#   anomaly denials-per-minute <n>  (refusals of one plugin within a minute before an alert; 30, 0 none)",
            "#   threads plugin <symbolic-name> <n>       threads default <n>   (threads a plugin may run; 32)",
            "#   allocation plugin <symbolic-name> <MB/s> allocation default <MB/s>   (bytes its threads allocate; 512)",
            "#     A plugin over either budget is stopped and quarantined (plugin:why says why; plugin:start lifts it).",
            "#   deadline <kind> <ms>   deadline plugin <symbolic-name> <ms>   (how long the host waits for a call into",
            "#     a plugin; kinds validator 2000, transformer 2000, notifier, adapter, workflow 10000, event 5000,",
            "#     schedule 30000)   overruns default <n>   overruns plugin <symbolic-name> <n>   (deadlines overrun in a",
            "#     row before the plugin is quarantined; 3, 0 never)",
            "#   validation plugin <symbolic-name> fail-open|fail-closed [tenant <tenant>]   (a validator that fails or",
            "#     overruns lets the write through, or rejects it; default: fail-closed unless the plugin says otherwise)",
            "#   plugin-data default <KiB>   plugin-data plugin <symbolic-name> <KiB>   (plugin data per tenant; 10240)",
            "#   In a grant, after use:network: host:port (or host:*) narrows it to those hosts; listen:<port> lets it",
            "#   listen on that port (listening needs one). After use:files: /a/folder adds a folder to the plugin's own",
            "#   data/plugins/<symbolic-name>/. etc/, data/db, data/audit, data/cache and data/log are never reachable.",
            "#",
            "# Permissions: " + Permission.validNames(),
            "mode development",
            "");

    private final Path file;

    PolicyFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** Writes the commented template when there is no policy yet: a first start runs in development mode. */
    void createIfMissing() throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            write(List.of(TEMPLATE.split("\n", -1)));
        }
    }

    Policy load() throws IOException, PolicyException {
        if (!Files.exists(file)) {
            return Policy.DEVELOPMENT_DEFAULT;
        }
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.getFileName().toString());
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
        java.util.Map<String, Long> threads = new java.util.HashMap<>();
        long defaultThreads = Policy.Budgets.DEFAULT_THREADS;
        java.util.Map<String, Long> allocation = new java.util.HashMap<>();
        long defaultAllocation = Policy.Budgets.DEFAULT_ALLOCATION_MB_PER_SECOND;
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
                case "threads":
                case "allocation":
                    boolean isThreads = words.get(0).equals("threads");
                    if (words.size() == 3 && words.get(1).equals("default")) {
                        long value = count(words.get(2), where);
                        if (isThreads) {
                            defaultThreads = value;
                        } else {
                            defaultAllocation = value;
                        }
                    } else if (words.size() == 4 && words.get(1).equals("plugin")) {
                        (isThreads ? threads : allocation).put(words.get(2), count(words.get(3), where));
                    } else {
                        throw new PolicyException(where + "write '" + words.get(0) + " plugin <symbolic-name> <"
                                + (isThreads ? "threads" : "MB-per-second") + ">' or '" + words.get(0) + " default <n>'");
                    }
                    break;
                default:
                    if (!calls.accept(words, where)) {
                        throw new PolicyException(where + "unknown entry '" + words.get(0) + "'; entries are mode, "
                                + "grant, deny, allow-import, quota, anomaly, threads, allocation, "
                                + String.join(", ", CallLimitLines.ENTRIES));
                    }
            }
        }
        return new Policy(mode, grants, denials, imports, quotas, defaultQuota, patientsPerHour,
                new Policy.Budgets(threads, defaultThreads, allocation, defaultAllocation), calls.limits(),
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
    private static long count(String word, String where) throws PolicyException {
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

    /** Grants: deny lines for these permissions of this plugin lose them, then one grant line is added. */
    void grant(String symbolicName, Collection<Permission> permissions) throws IOException, PolicyException {
        List<String> lines = readLines();
        lines = without(lines, "deny", symbolicName, permissions);
        lines.add("grant plugin " + symbolicName + " " + names(permissions));
        checkAndWrite(lines);
    }

    /** Revokes: grant lines for this plugin lose them, and a deny line covers the other routes (signer, mode). */
    void revoke(String symbolicName, Collection<Permission> permissions) throws IOException, PolicyException {
        List<String> lines = readLines();
        lines = without(lines, "grant", symbolicName, permissions);
        lines.add("deny plugin " + symbolicName + " " + names(permissions));
        checkAndWrite(lines);
    }

    void setMode(SecurityMode mode) throws IOException, PolicyException {
        List<String> lines = readLines();
        String entry = "mode " + mode.name().toLowerCase(Locale.ROOT);
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            List<String> words = words(lines.get(i), "");
            if (!words.isEmpty() && words.get(0).equals("mode")) {
                lines.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(entry);
        }
        checkAndWrite(lines);
    }

    private List<String> readLines() throws IOException {
        return Files.exists(file) ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of(TEMPLATE.split("\n", -1)));
    }

    /** The lines with {@code permissions} taken out of this plugin's {@code verb} lines (emptied lines dropped). */
    private static List<String> without(List<String> lines, String verb, String symbolicName,
            Collection<Permission> permissions) throws PolicyException {
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            List<String> words = words(line, "");
            if (words.size() >= 4 && words.get(0).equals(verb) && words.get(1).equals("plugin")
                    && words.get(2).equals(symbolicName)) {
                List<String> rest = new ArrayList<>(words.subList(3, words.size()));
                String range = rest.get(0).startsWith("[") || rest.get(0).startsWith("(") || rest.get(0).equals("*")
                        ? rest.remove(0) : null;
                // a removed permission takes its scopes (host:port, listen:port, folders after it) with it
                List<String> left = new ArrayList<>();
                boolean dropping = false;
                for (String name : rest) {
                    boolean isPermission = Permission.named(name).isPresent();
                    if (isPermission) {
                        dropping = permissions.stream().anyMatch(p -> p.id().equals(name));
                    }
                    if (!dropping) {
                        left.add(name);
                    }
                }
                boolean changed = left.size() != rest.size();
                rest = left;
                if (changed && rest.isEmpty()) {
                    continue;
                }
                if (changed) {
                    line = verb + " plugin " + symbolicName + (range == null ? "" : " " + quoted(range)) + " "
                            + String.join(" ", rest);
                }
            }
            kept.add(line);
        }
        return kept;
    }

    private static String quoted(String word) {
        return word.chars().anyMatch(Character::isWhitespace) ? "\"" + word + "\"" : word;
    }

    private void checkAndWrite(List<String> lines) throws IOException, PolicyException {
        parse(lines, file.getFileName().toString());
        write(lines);
    }

    private void write(List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".policy", ".tmp");
        try {
            Files.write(temp, lines, StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true); // the new policy is on disk before it replaces the old one
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String names(Collection<Permission> permissions) {
        StringBuilder names = new StringBuilder();
        for (Permission permission : permissions) {
            names.append(names.length() == 0 ? "" : " ").append(permission.id());
        }
        return names.toString();
    }
}
