package org.carehost.config.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.service.log.Logger;

/**
 * The last configuration of each PID that passed the checks, kept in the bundle's data area so that it
 * outlives a restart of the guard or of the container. Values are the types Config Admin allows (strings,
 * numbers, booleans and their arrays), all serializable.
 */
final class LastGood {

    private final File file;
    private final Logger log;
    private final Map<String, Map<String, Object>> byPid = new HashMap<>();

    LastGood(File file, Logger log) {
        this.file = file;
        this.log = log;
        load();
    }

    synchronized Map<String, Object> get(String pid) {
        return byPid.get(pid);
    }

    synchronized void put(String pid, Map<String, Object> properties) {
        if (properties.equals(byPid.get(pid))) {
            return;
        }
        byPid.put(pid, new Hashtable<>(properties));
        save();
    }

    @SuppressWarnings("unchecked")
    private void load() {
        if (file == null || !file.isFile()) {
            return;
        }
        try (InputStream in = Files.newInputStream(file.toPath()); ObjectInputStream objects = new ObjectInputStream(in)) {
            byPid.putAll((Map<String, Map<String, Object>>) objects.readObject());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            log.warn("Last good configurations in {} are unreadable and are ignored: {}", file, e.toString());
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        File partial = new File(file.getPath() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial.toPath()); ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(new HashMap<>(byPid));
        } catch (IOException e) {
            log.warn("Could not keep the last good configurations in {}: {}", file, e.toString());
            return;
        }
        try {
            Files.move(partial.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Could not keep the last good configurations in {}: {}", file, e.toString());
        }
    }
}
