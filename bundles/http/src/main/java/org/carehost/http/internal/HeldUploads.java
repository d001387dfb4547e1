package org.carehost.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Which upload each uploaded bundle installed here came from: its location ({@code upload:<sha-256>}) mapped to the
 * upload id of the store's row it was installed from or found kept under, and the bundle's id. Written when an upload
 * of this node is kept, when a look installs an upload from the store, and when a look finds the row of a bundle
 * installed here ({@link UploadRestore}). Kept in the bundle's data area ({@code uploads-held.txt}), so that it
 * outlasts a restart: a node that was down while its upload was uninstalled elsewhere finds that upload's tombstone at
 * its first look. The data area goes with the framework cache, and so do the installed bundles and their ids.
 * <p>
 * The bundle id is what makes a record name one installation: a jar uninstalled here and uploaded again is installed
 * as another bundle (ids are never reused in a framework cache), so the old record, and a tombstone of the old upload,
 * can never apply to it.
 */
@Component(service = HeldUploads.class)
public final class HeldUploads {

    /** The upload a bundle installed here came from, and that bundle's id. */
    record Held(String uploadId, long bundleId) {
    }

    private final Path file;
    private final Logger log;
    private final Map<String, Held> held = new TreeMap<>();

    @Activate
    public HeldUploads(BundleContext context, @Reference(service = LoggerFactory.class) Logger log) {
        this(context.getDataFile("uploads-held.txt").toPath(), log);
    }

    HeldUploads(Path file, Logger log) {
        this.file = file;
        this.log = log;
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 3) {
                        held.put(parts[0], new Held(parts[1], Long.parseLong(parts[2])));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Which uploads this node holds ({}) could not be read ({}): an uploaded plugin uninstalled on "
                    + "another node while this one was down stays here until a look finds its row again, or an "
                    + "operator uninstalls it", file, e.toString());
        }
    }

    /** The records, now. */
    synchronized Map<String, Held> now() {
        return Map.copyOf(held);
    }

    /** Records (or replaces) these. */
    synchronized void put(Map<String, Held> entries) {
        if (!entries.isEmpty()) {
            held.putAll(entries);
            save();
        }
    }

    /** Drops the location's record if it is still {@code expected} (a newer one written meanwhile stays). */
    synchronized void remove(String location, Held expected) {
        if (expected != null && Objects.equals(held.get(location), expected)) {
            held.remove(location);
            save();
        }
    }

    private void save() {
        try {
            List<String> lines = new ArrayList<>();
            held.forEach((location, one) -> lines.add(location + " " + one.uploadId() + " " + one.bundleId()));
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.write(next, lines, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Which uploads this node holds could not be written to {} ({}): after a restart, an uploaded "
                    + "plugin uninstalled elsewhere meanwhile may stay here", file, e.toString());
        }
    }
}
