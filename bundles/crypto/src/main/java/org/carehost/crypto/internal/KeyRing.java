package org.carehost.crypto.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

/**
 * The keys a node holds: the data keys (current first) from {@code <dir>/data-keys} or {@code CAREHOST_DATA_KEY},
 * and the pseudonym key from {@code <dir>/pseudonym-key} or {@code CAREHOST_PSEUDONYM_KEY}.
 *
 * <p>Readers take the data keys as one immutable snapshot from a volatile field; a rotation writes the key file
 * first and then replaces the snapshot, under a lock so that two rotations never interleave.
 */
final class KeyRing {

    static final String DATA_KEYS = "data-keys";
    static final String PSEUDONYM_KEY = "pseudonym-key";
    static final String ENV_DATA_KEY = "CAREHOST_DATA_KEY";
    static final String ENV_PSEUDONYM_KEY = "CAREHOST_PSEUDONYM_KEY";
    /** The id of the key from CAREHOST_DATA_KEY. */
    static final String ENV_ID = "env";

    private static final Pattern NUMBERED = Pattern.compile("k([0-9]{1,18})");

    private final Path dataFile;
    private final Path pseudonymFile;
    private final SecureRandom random;
    private final KeyLog log;
    private final Object lock = new Object();
    /** Current first; never changed in place, only replaced (under lock). */
    private volatile List<DataKey> keys;
    /** Null until first use when neither the environment nor a file has one; then generated and written. */
    private volatile SecretKeySpec pseudonymKey;

    KeyRing(Path dir, Function<String, String> env, SecureRandom random, KeyLog log) {
        this.dataFile = dir.resolve(DATA_KEYS);
        this.pseudonymFile = dir.resolve(PSEUDONYM_KEY);
        this.random = random;
        this.log = log;
        this.keys = load(env.apply(ENV_DATA_KEY));
        String pseudonym = env.apply(ENV_PSEUDONYM_KEY);
        if (present(pseudonym)) {
            pseudonymKey = hmacKey(KeyFile.decode(pseudonym, ENV_PSEUDONYM_KEY));
        } else if (Files.exists(pseudonymFile)) {
            pseudonymKey = hmacKey(KeyFile.readPseudonymKey(pseudonymFile));
        }
    }

    private List<DataKey> load(String envKey) {
        DataKey fromEnv = present(envKey) ? KeyFile.dataKey(ENV_ID, envKey, ENV_DATA_KEY) : null;
        if (Files.exists(dataFile)) {
            List<DataKey> onFile = KeyFile.readDataKeys(dataFile);
            if (fromEnv == null || onFile.stream().anyMatch(key -> key.sameKeyAs(fromEnv))) {
                return onFile;
            }
            if (onFile.stream().anyMatch(key -> key.id().equals(ENV_ID))) {
                log.warn(ENV_DATA_KEY + " is not used: " + dataFile + " holds another key named " + ENV_ID);
                return onFile;
            }
            // The file wins; the environment's key still opens what was sealed under it, but is not written.
            List<DataKey> held = new ArrayList<>(onFile);
            held.add(fromEnv);
            return List.copyOf(held);
        }
        if (fromEnv != null) {
            return List.of(fromEnv); // kept off the disk until a rotation
        }
        DataKey first = generate("k1");
        KeyFile.writeDataKeys(dataFile, List.of(first));
        log.info("Generated data key k1 in " + dataFile
                + ": keep a copy somewhere safe, values sealed under a lost key cannot be recovered");
        return List.of(first);
    }

    DataKey current() {
        return keys.get(0);
    }

    /** Every key held, current first. */
    List<DataKey> all() {
        return keys;
    }

    /** The key with this id, or null. */
    DataKey find(String id) {
        for (DataKey key : keys) {
            if (key.id().equals(id)) {
                return key;
            }
        }
        return null;
    }

    Path dataFile() {
        return dataFile;
    }

    String beginRotation() {
        synchronized (lock) {
            List<DataKey> held = keys;
            if (held.size() > 1) {
                return held.get(0).id(); // a rotation is under way: resume it
            }
            DataKey next = generate(nextId(held));
            List<DataKey> rotated = new ArrayList<>();
            rotated.add(next);
            rotated.addAll(held);
            // On disk before anything is sealed under it: a value must never outlive its key.
            KeyFile.writeDataKeys(dataFile, rotated);
            keys = List.copyOf(rotated);
            log.info("Rotation: values are now sealed under data key " + next.id() + " (in " + dataFile
                    + "); re-encrypt the values sealed under " + ids(held) + ", then finish the rotation");
            return next.id();
        }
    }

    List<String> finishRotation() {
        synchronized (lock) {
            List<DataKey> held = keys;
            if (held.size() == 1) {
                return List.of();
            }
            List<DataKey> kept = List.of(held.get(0));
            KeyFile.writeDataKeys(dataFile, kept);
            keys = kept;
            List<String> retired = ids(held.subList(1, held.size()));
            log.info("Rotation finished: retired data keys " + retired + " (removed from " + dataFile + ")");
            return retired;
        }
    }

    SecretKeySpec pseudonymKey() {
        SecretKeySpec key = pseudonymKey;
        if (key != null) {
            return key;
        }
        synchronized (lock) {
            if (pseudonymKey == null) {
                byte[] bytes = new byte[DataKey.BYTES];
                random.nextBytes(bytes);
                KeyFile.writePseudonymKey(pseudonymFile, bytes);
                pseudonymKey = hmacKey(bytes);
                log.info("Generated the pseudonym key in " + pseudonymFile
                        + ": keep a copy somewhere safe, pseudonyms change if it is lost");
            }
            return pseudonymKey;
        }
    }

    private DataKey generate(String id) {
        byte[] bytes = new byte[DataKey.BYTES];
        random.nextBytes(bytes);
        try {
            return DataKey.of(id, bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** {@code k} and one more than the highest numbered id held ({@code env} and other names do not count). */
    private static String nextId(List<DataKey> held) {
        long highest = 0;
        for (DataKey key : held) {
            Matcher numbered = NUMBERED.matcher(key.id());
            if (numbered.matches()) {
                highest = Math.max(highest, Long.parseLong(numbered.group(1)));
            }
        }
        return "k" + (highest + 1);
    }

    private static SecretKeySpec hmacKey(byte[] bytes) {
        try {
            return new SecretKeySpec(bytes, DataKey.HMAC);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static List<String> ids(List<DataKey> keys) {
        return keys.stream().map(DataKey::id).toList();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
