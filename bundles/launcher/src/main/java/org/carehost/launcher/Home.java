package org.carehost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The container's working directory: {@code deploy/} (watched for plugins), {@code etc/} (plain,
 * commented configuration an operator edits) and {@code data/} (framework cache and state). Missing
 * folders are created and missing {@code etc/} files get their commented defaults; an operator's own
 * files are never overwritten.
 */
final class Home {

    static final List<String> ETC_DEFAULTS = List.of("logback.xml", "gosh_profile", "README");

    private final Path root;

    Home(Path root) {
        this.root = root;
    }

    void layOut() {
        try {
            Files.createDirectories(root.resolve("deploy"));
            Files.createDirectories(root.resolve("data"));
            Path etc = Files.createDirectories(root.resolve("etc"));
            for (String name : ETC_DEFAULTS) {
                Path target = etc.resolve(name);
                if (!Files.exists(target)) {
                    writeDefault(name, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lay out the Carehost working directory " + root
                    + " (is it writable?): " + e.getMessage(), e);
        }
    }

    private static void writeDefault(String name, Path target) throws IOException {
        try (InputStream in = Home.class.getResourceAsStream("etc/" + name)) {
            if (in == null) {
                throw new IOException("default etc/" + name + " is missing from the launcher jar");
            }
            // Write beside the target and rename, so a crash never leaves a half-written config file.
            Path partial = target.resolveSibling("." + name + ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
