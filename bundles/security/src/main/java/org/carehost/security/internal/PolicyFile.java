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

/**
 * The policy file in {@code etc/security/}: plain lines an operator can read, edit and keep under version
 * control. The shell's changes edit it line by line (comments and order stay) and replace it atomically.
 * {@link PolicyParser} reads the lines into a {@link Policy}; this class owns the file (template, load, edits).
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
            "#   cpu plugin <symbolic-name> <%>   cpu default <%>   (share of one core its threads use over 5 s; 90, 0 none)",
            "#     A plugin over any budget is stopped and quarantined (plugin:why says why; plugin:start lifts it).",
            "#   deadline <kind> <ms>   deadline plugin <symbolic-name> <ms>   (how long the host waits for a call into",
            "#     a plugin; kinds validator 2000, transformer 2000, notifier, adapter, workflow 10000, event 5000,",
            "#     schedule 30000)   overruns default <n>   overruns plugin <symbolic-name> <n>   (deadlines overrun in a",
            "#     row before the plugin is quarantined; 3, 0 never)",
            "#   validation plugin <symbolic-name> fail-open|fail-closed [tenant <tenant>]   (a validator that fails or",
            "#     overruns lets the write through, or rejects it; default: fail-closed unless the plugin says otherwise)",
            "#   plugin-data default <KiB>   plugin-data plugin <symbolic-name> <KiB>   (plugin data per tenant; 10240)",
            "#   wasm-memory-pages plugin <symbolic-name> <pages>   wasm-instances plugin <symbolic-name> <n>   (a",
            "#     WebAssembly plugin's memory per instance in 64 KiB pages, and its instances; lower than the defaults",
            "#     in etc/org.carehost.wasm.cfg and the plugin's header, never higher; read when the plugin starts)",
            "#   notifications default <n>   notifications plugin <symbolic-name> <n>   (its notifications waiting in the",
            "#     outbox, all tenants; 1000)   notification-kib default <KiB>   notification-kib plugin <symbolic-name>",
            "#     <KiB>   (a notification's subject and body; 64)   jobs default <n>   jobs plugin <symbolic-name> <n>",
            "#     (its scheduled or running jobs, all tenants; 100)",
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

    /** See {@link PolicyParser#parse}. */
    static Policy parse(List<String> lines, String source) throws PolicyException {
        return PolicyParser.parse(lines, source);
    }

    private static List<String> words(String line, String where) throws PolicyException {
        return PolicyParser.words(line, where);
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
