package org.carehost.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Optional;

/**
 * Checks the HTTPS key store the listener configuration names before Felix HTTP is given it: Jetty's own failure
 * (a stack trace, and no listener) would not say which setting to fix. One problem, in words naming the setting.
 * The key store must be in {@code etc/security/}: a {@code ../}, an absolute path elsewhere, or a link whose target is
 * elsewhere is refused, naming the setting and the folder.
 */
final class HttpsKeyStore {

    /** Where a relative {@code keyStore} is (under the working folder, as {@code etc/security/} is). */
    static final Path SECURITY_FOLDER = Path.of("etc", "security");
    private static final String FILE = "etc/" + ListenerSettings.PID + ".cfg";

    private HttpsKeyStore() {
    }

    /** The key store's file: {@code keyStore} as given when absolute, else under {@code etc/security/}. */
    static Path path(String keyStore) {
        return path(SECURITY_FOLDER, keyStore);
    }

    static Path path(Path folder, String keyStore) {
        Path given = Path.of(keyStore.trim());
        return (given.isAbsolute() ? given : folder.resolve(given)).toAbsolutePath().normalize();
    }

    /** What is wrong with the key store for HTTPS, naming the setting to fix; empty when it opens with a key in it. */
    static Optional<String> problem(String keyStore, String type, String password) {
        return problem(SECURITY_FOLDER, keyStore, type, password);
    }

    /**
     * As {@link #problem(String, String, String)}, with the key stores' folder given: the key store must be in it,
     * also once links are followed (a key store is a secret: the setting must not reach any file the process can read).
     */
    static Optional<String> problem(Path folder, String keyStore, String type, String password) {
        if (keyStore == null || keyStore.isBlank()) {
            return Optional.of("httpsEnabled is true but keyStore is empty: set keyStore in " + FILE
                    + " to a key store (PKCS12) under etc/security/");
        }
        Path inside = folder.toAbsolutePath().normalize();
        Path file;
        try {
            file = path(folder, keyStore);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.of("keyStore in " + FILE + " is no file name (" + e.getReason() + "): name a key store "
                    + "in " + inside + " (etc/security/), relative to that folder");
        }
        if (!file.startsWith(inside) || file.equals(inside)) {
            return Optional.of("keyStore in " + FILE + " names " + file + ", which is outside " + inside
                    + " (etc/security/): put the key store in that folder and name it relative to it");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of("the key store " + file + " (keyStore in " + FILE + ") does not exist or is no file: "
                    + "fix keyStore, or put the key store there");
        }
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(inside.toRealPath())) {
                return Optional.of("keyStore in " + FILE + " names " + file + ", a link to " + real + ", which is "
                        + "outside " + inside + " (etc/security/): put the key store itself in that folder");
            }
        } catch (IOException e) {
            return Optional.of("the key store " + file + " (keyStore in " + FILE + ") cannot be read (" + e
                    + "): fix keyStore, or the file's permissions");
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(type == null || type.isBlank() ? "PKCS12" : type.trim());
        } catch (KeyStoreException e) {
            return Optional.of("keyStoreType '" + type + "' in " + FILE + " is no key store type this JDK knows: "
                    + "use PKCS12 or JKS");
        }
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, secret);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                return Optional.of("keyStorePassword in " + FILE + " does not open the key store " + file
                        + ": fix keyStorePassword");
            }
            return Optional.of("the key store " + file + " (keyStore in " + FILE + ") cannot be read as "
                    + store.getType() + " (" + e.getMessage() + "): fix keyStore, keyStoreType or keyStorePassword");
        } catch (GeneralSecurityException e) {
            return Optional.of("the key store " + file + " (keyStore in " + FILE + ") cannot be read: " + e.getMessage());
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    store.getKey(alias, secret);
                    return Optional.empty();
                }
            }
        } catch (UnrecoverableKeyException e) {
            return Optional.of("the private key in " + file + " has a password other than keyStorePassword in " + FILE
                    + ": give the key the key store's password");
        } catch (GeneralSecurityException e) {
            return Optional.of("the key store " + file + " (keyStore in " + FILE + ") cannot be read: " + e.getMessage());
        }
        return Optional.of("the key store " + file + " (keyStore in " + FILE + ") holds no private key: put the "
                + "server's key and certificate in it");
    }
}
