package org.carehost.crypto.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.carehost.settings.files.SecretFiles;

/**
 * Reads and writes the key files. A file that cannot be read whole is refused with an IllegalStateException naming
 * the file and line; messages never hold key text, even a malformed one.
 */
final class KeyFile {

    /** Ids appear in sealed values between dots, so no dot (nor anything else a log or a shell would mangle). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private static final String DATA_KEYS_HEADER = """
            # Carehost data keys, one '<key id> <base64 of 32 bytes>' a line. The first is the key values are sealed
            # under; the others still open values sealed before a rotation. Keep a copy somewhere safe: a value sealed
            # under a lost key cannot be recovered. Written by the container (key rotation): do not edit while it runs.
            """;

    private KeyFile() {
    }

    /** The keys of a data keys file, in file order (the current key first). */
    static List<DataKey> readDataKeys(Path file) {
        List<String> lines = readLines(file);
        List<DataKey> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalStateException(where + ": expected '<key id> <base64 key>'");
            }
            if (!ID.matcher(fields[0]).matches()) {
                throw new IllegalStateException(where + ": a key id is 1 to 32 letters, digits, '_' or '-'");
            }
            if (!ids.add(fields[0])) {
                throw new IllegalStateException(where + ": key id " + fields[0] + " appears twice");
            }
            keys.add(dataKey(fields[0], fields[1], where));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(file + ": no key line (expected '<key id> <base64 key>')");
        }
        return List.copyOf(keys);
    }

    static void writeDataKeys(Path file, List<DataKey> keys) {
        StringBuilder text = new StringBuilder(DATA_KEYS_HEADER);
        for (DataKey key : keys) {
            text.append(key.id()).append(' ').append(Base64.getEncoder().encodeToString(key.bytes())).append('\n');
        }
        SecretFiles.write(file, text.toString());
    }

    /** The pseudonym key file: one line, the base64 of 32 bytes ('#' lines and blank lines are passed over). */
    static byte[] readPseudonymKey(Path file) {
        List<String> lines = readLines(file);
        byte[] key = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            if (key != null) {
                throw new IllegalStateException(where + ": a second key line (the file holds one key)");
            }
            key = decode(line, where);
        }
        if (key == null) {
            throw new IllegalStateException(file + ": no key line (expected the base64 of 32 bytes)");
        }
        return key;
    }

    static void writePseudonymKey(Path file, byte[] key) {
        SecretFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n");
    }

    /** {@code text} as a 32-byte key; {@code where} names its origin in the message (never the text itself). */
    static byte[] decode(String text, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": the key is not base64");
        }
        if (key.length != DataKey.BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw new IllegalStateException(where + ": the key is " + length + " bytes, AES-256 takes " + DataKey.BYTES);
        }
        return key;
    }

    static DataKey dataKey(String id, String base64, String where) {
        byte[] bytes = decode(base64, where);
        try {
            return DataKey.of(id, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot be read: " + e, e);
        }
    }
}
