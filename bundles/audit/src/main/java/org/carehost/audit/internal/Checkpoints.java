package org.carehost.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.carehost.settings.files.SecretFiles;

/**
 * Signed checkpoints of the chain head. Someone with write access to the database can rewrite the whole
 * chain with fresh hashes, or cut its end off; a checkpoint, signed with a key that lives in {@code etc/}
 * (not in the database) and copied wherever the hospital keeps evidence, shows that record N had hash H.
 * The key is Ed25519, made on first use; the public half is written beside it for verifiers. The private key is
 * written as every secret file is ({@link SecretFiles}: owner-only from the first byte, then moved into place).
 */
final class Checkpoints {

    /** One checkpoint: the chain had {@code sequence} records, the last with {@code hash}. */
    record Checkpoint(long sequence, String hash, Instant signedAt, String node, String signature) {

        String signedText() {
            return "carehost-audit-checkpoint|" + node + "|" + sequence + "|" + hash + "|" + signedAt;
        }
    }

    private final Path keyFile;
    private final Path directory;
    /** The container's clock: when a checkpoint was signed. */
    private final Clock clock;
    private PrivateKey privateKey;
    private PublicKey publicKey;

    Checkpoints(Path keyFile, Path directory, Clock clock) {
        this.keyFile = keyFile;
        this.directory = directory;
        this.clock = clock;
    }

    synchronized Checkpoint sign(long sequence, String hash, String node) throws IOException, GeneralSecurityException {
        loadOrCreateKeys();
        Instant now = clock.instant();
        Checkpoint unsigned = new Checkpoint(sequence, hash, now, node, null);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(privateKey);
        signer.update(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
        Checkpoint signed = new Checkpoint(sequence, hash, now, node, Base64.getEncoder().encodeToString(signer.sign()));
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("sequence", Long.toString(sequence));
        properties.setProperty("hash", hash);
        properties.setProperty("signedAt", now.toString());
        properties.setProperty("node", node);
        properties.setProperty("signature", signed.signature());
        Path target = directory.resolve(String.format("checkpoint-%012d.properties", sequence));
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (var out = Files.newOutputStream(partial)) {
            properties.store(out, "Carehost audit checkpoint (Ed25519 over: " + signed.signedText() + ")");
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return signed;
    }

    /** Every checkpoint on file, oldest first; a file that cannot be read is reported as a problem. */
    synchronized List<Checkpoint> all(List<String> problems) throws IOException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return checkpoints;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                Properties properties = new Properties();
                try (var in = Files.newInputStream(file)) {
                    properties.load(in);
                    checkpoints.add(new Checkpoint(Long.parseLong(properties.getProperty("sequence")),
                            properties.getProperty("hash"), Instant.parse(properties.getProperty("signedAt")),
                            properties.getProperty("node"), properties.getProperty("signature")));
                } catch (RuntimeException e) {
                    problems.add("checkpoint file " + file.getFileName() + " is unreadable: " + e);
                }
            }
        }
        return checkpoints;
    }

    synchronized boolean signatureValid(Checkpoint checkpoint) throws IOException, GeneralSecurityException {
        loadOrCreateKeys();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(checkpoint.signedText().getBytes(StandardCharsets.UTF_8));
        try {
            return verifier.verify(Base64.getDecoder().decode(checkpoint.signature()));
        } catch (IllegalArgumentException | java.security.SignatureException e) {
            return false;
        }
    }

    /**
     * Makes the signing key pair now if there is none (at start: the README promises it with the first start, and an
     * operator backing up etc/security/ after it would have missed a key made at the first checkpoint).
     */
    synchronized void ensureKeys() throws IOException, GeneralSecurityException {
        if (!Files.exists(keyFile)) {
            loadOrCreateKeys(); // only then: a start that finds the key does not read it before the first checkpoint
        }
    }

    private void loadOrCreateKeys() throws IOException, GeneralSecurityException {
        if (privateKey != null) {
            return;
        }
        Path publicFile = keyFile.resolveSibling(keyFile.getFileName() + ".pub");
        KeyFactory factory = KeyFactory.getInstance("Ed25519");
        if (Files.exists(keyFile)) {
            privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pem(Files.readString(keyFile))));
            publicKey = factory.generatePublic(new X509EncodedKeySpec(pem(Files.readString(publicFile))));
            return;
        }
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.createDirectories(keyFile.getParent());
        // The public half first: the private file's presence is what says the pair exists.
        Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        try {
            SecretFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        privateKey = pair.getPrivate();
        publicKey = pair.getPublic();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] pem(String text) {
        return Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").trim());
    }
}
