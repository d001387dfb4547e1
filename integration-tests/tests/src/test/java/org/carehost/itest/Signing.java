package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Jars signed for real with the JDK's keytool and jarsigner (a fresh key pair per keystore). */
final class Signing {

    private Signing() {
    }

    /** Signs a copy of {@code jar} into {@code signed} with the key in {@code keystore}, made for {@code dn} if new. */
    static Path sign(Path keystore, String dn, Path jar, Path signed) throws Exception {
        if (!Files.exists(keystore)) {
            run(tool("keytool"), "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit", "-alias", "plugin", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", dn);
        }
        run(tool("jarsigner"), "-keystore", keystore.toString(), "-storepass", "changeit", "-signedjar",
                signed.toString(), jar.toString(), "plugin");
        return signed;
    }

    /** Signs a copy of {@code jar} with the key of {@code alias} in an existing {@code keystore}. */
    static Path signAs(Path keystore, String alias, Path jar, Path signed) throws Exception {
        run(tool("jarsigner"), "-keystore", keystore.toString(), "-storepass", "changeit", "-signedjar",
                signed.toString(), jar.toString(), alias);
        return signed;
    }

    /** Signs with the key of {@code alias} but puts {@code chain} (PEM certificates, leaf first) in the signature. */
    static Path signWithChain(Path keystore, String alias, Path chain, Path jar, Path signed) throws Exception {
        run(tool("jarsigner"), "-keystore", keystore.toString(), "-storepass", "changeit", "-certchain",
                chain.toString(), "-signedjar", signed.toString(), jar.toString(), alias);
        return signed;
    }

    /** Runs keytool on a PKCS12 {@code keystore} (password changeit) with the given command and options. */
    static void keytool(Path keystore, String... command) throws Exception {
        java.util.List<String> line = new java.util.ArrayList<>(List.of(tool("keytool")));
        line.addAll(List.of(command));
        line.addAll(List.of("-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit"));
        run(line.toArray(String[]::new));
    }

    private static String tool(String name) {
        return Paths.get(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(String.join(" ", command) + " did not finish", process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", command) + ": " + output, 0, process.exitValue());
    }
}
