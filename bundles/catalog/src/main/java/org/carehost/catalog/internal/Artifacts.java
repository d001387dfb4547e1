package org.carehost.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.carehost.catalog.CatalogException;

/**
 * The jars the catalog installed, kept by content in {@code data/catalog/artifacts/} ({@code
 * carehost.catalog.artifacts}): downloaded once, checked against the SHA-256 and signer the index names, and kept so
 * that a failed update can put the previous version back from the very bytes it ran.
 */
final class Artifacts {

    static final String FOLDER_PROPERTY = "carehost.catalog.artifacts";

    private final Path folder;

    Artifacts(String configured) {
        this.folder = Paths.get(configured == null || configured.isBlank() ? "data/catalog/artifacts" : configured)
                .toAbsolutePath().normalize();
    }

    Path folder() {
        return folder;
    }

    /** The entry's jar, downloaded and verified (or already here); a mismatch is refused and nothing is kept. */
    Path fetch(CatalogView.Entry entry) throws CatalogException {
        String sha = entry.sha256();
        String bsn = entry.symbolicName().replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = folder.resolve(bsn + "-" + entry.version() + "-" + sha.substring(0, Math.min(16, sha.length())) + ".jar");
        if (Files.isRegularFile(target) && sha.equals(sha256(target))) {
            return target;
        }
        URI catalog = Fetcher.check(entry.source().url());
        URI jar = Fetcher.checkFrom(catalog, Resources.url(entry.resource()));
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, ".download-", ".jar");
            entry.source().fetcher().copy(jar, temp, Fetcher.MAX_JAR_BYTES);
            String actual = sha256(temp);
            if (!sha.equals(actual)) {
                throw new CatalogException(entry.id() + " from catalog " + entry.source().name() + " is refused: the jar at "
                        + jar + " has SHA-256 " + actual + ", the index says " + sha
                        + ". The jar or the index was changed; ask the catalog's publisher to index it again.");
            }
            String declared = Resources.signer(entry.resource());
            String signer;
            try {
                signer = Signers.of(temp);
            } catch (IOException e) {
                throw new CatalogException(entry.id() + " is refused: " + e.getMessage(), e);
            }
            if (!Signers.sameName(declared, signer)) {
                throw new CatalogException(entry.id() + " from catalog " + entry.source().name() + " is refused: the index"
                        + " names signer " + (declared == null ? "none" : "'" + declared + "'") + ", the jar is "
                        + (signer == null ? "unsigned" : "signed by '" + signer + "'") + ".");
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return target;
        } catch (IOException e) {
            throw new CatalogException("Cannot keep " + entry.id() + " in " + folder + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray temporary file; the next download makes its own
                }
            }
        }
    }

    static String sha256(Path file) throws CatalogException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new CatalogException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
