package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The quarantines in force, kept across restarts in the security manager's own storage area (under {@code data/cache},
 * out of every plugin's reach): the plugin's bundle id (which the framework keeps across restarts), its symbolic name,
 * and the reason {@code plugin:why} gives. A quarantine's own stop keeps most plugins from starting again at the next
 * start; this record keeps the reason, and keeps stopped the plugins whose stop could not happen (a plugin whose code
 * holds the thread that started it holds its bundle's lock, which the framework's stop waits for) or was transient (the
 * heap watch's provisional quarantine). At the next start, before any plugin runs, {@link Quarantine#restore} stops
 * such a plugin (nothing runs then, so the stop returns at once). A file that cannot be read is logged by the caller
 * and nothing is restored from it: no quarantine is invented.
 */
final class QuarantineRecord {

    private final Path file;

    QuarantineRecord(Path file) {
        this.file = file;
    }

    /** Bundle id to "symbolic name" and reason, as last written; empty when there is none or it cannot be read. */
    synchronized Map<Long, String[]> read() throws IOException {
        Map<Long, String[]> entries = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            int bar = value.indexOf('|');
            if (key.matches("[0-9]{1,18}") && bar > 0) {
                entries.put(Long.parseLong(key), new String[] {value.substring(0, bar), value.substring(bar + 1)});
            }
        }
        return entries;
    }

    synchronized void put(long bundleId, String symbolicName, String reason) {
        change(properties -> properties.setProperty(Long.toString(bundleId), symbolicName + "|" + reason));
    }

    synchronized void remove(long bundleId) {
        change(properties -> properties.remove(Long.toString(bundleId)));
    }

    private void change(java.util.function.Consumer<Properties> edit) {
        try {
            Properties properties = new Properties();
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    properties.load(in);
                }
            }
            boolean none = properties.isEmpty();
            edit.accept(properties);
            if (none && properties.isEmpty()) {
                return; // nothing recorded and nothing to record: no file made
            }
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            try (OutputStream out = Files.newOutputStream(next)) {
                properties.store(out, "Quarantined plugins (bundle id = symbolic name|reason); plugin:start lifts one");
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
