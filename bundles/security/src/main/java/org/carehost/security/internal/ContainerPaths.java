package org.carehost.security.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;

/**
 * Where files are, as the run-time rules see them: the container's own (out of every plugin's reach, whatever it is
 * granted), the JDK's (readable by anyone: the JDK reads them for its callers), and each plugin's own folder,
 * {@code data/plugins/<symbolic name>/}, the one place {@code use:files} reaches unless the policy names more.
 */
final class ContainerPaths {

    /** Framework properties naming the container's files or folders (a file stands for its folder). */
    private static final String[] CONTAINER_PROPERTIES = {"carehost.security.policy", "carehost.security.truststore",
        "carehost.keys", "carehost.audit.journal", "carehost.audit.keyfile", "carehost.audit.checkpoints",
        "org.osgi.framework.storage", "felix.cache.rootdir", "launch.storage.dir", "logback.configurationFile"};

    private final Path home;
    private final Path pluginRoot;
    private final List<Path> container = new ArrayList<>();
    private final List<Path> readable = new ArrayList<>();
    private final java.util.Set<Path> made = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The container's files that configurations name, by PID ({@link ConfiguredPaths}): they change at run time. */
    private final java.util.Map<String, List<Path>> configured = new java.util.concurrent.ConcurrentHashMap<>();

    ContainerPaths(BundleContext context, SecuritySettings settings) {
        this.home = real(Paths.get("").toAbsolutePath());
        this.pluginRoot = resolve(settings.pluginData().toString());
        for (String folder : List.of("etc", "deploy", "data/db", "data/audit", "data/cache", "data/log")) {
            container.add(resolve(folder));
        }
        container.add(resolve(settings.policy().toString()).getParent());
        container.add(resolve(settings.trustStore().toString()));
        for (String property : CONTAINER_PROPERTIES) {
            String value = context.getProperty(property);
            if (value != null && !value.isBlank()) {
                Path path = resolve(value.trim());
                container.add(property.endsWith("policy") || property.endsWith("keyfile")
                        || property.endsWith("File") ? path.getParent() : path);
            }
        }
        String deploy = context.getProperty("felix.fileinstall.dir");
        if (deploy != null) {
            for (String folder : deploy.replace("\"", "").split(",")) {
                if (!folder.isBlank()) {
                    container.add(resolve(folder.trim()));
                }
            }
        }
        container.add(Paths.get("/proc"));
        container.removeIf(path -> path == null);
        Path javaHome = Paths.get(System.getProperty("java.home"));
        readable.add(real(javaHome));
        readable.addAll(jdkLinks(javaHome));
        for (String system : List.of("/dev/urandom", "/dev/random", "/etc/localtime", "/etc/timezone",
                "/usr/share/zoneinfo")) {
            readable.add(Paths.get(system));
        }
    }

    /** Whether a symbolic name can name a folder of its own: no separator, not "." or "..", not empty. */
    static boolean isPlainName(String symbolicName) {
        return symbolicName != null && !symbolicName.isEmpty() && symbolicName.indexOf('/') < 0
                && symbolicName.indexOf('\\') < 0 && !symbolicName.equals(".") && !symbolicName.equals("..");
    }

    /**
     * The plugin's own folder, made when first asked for: one folder right under the plugins' root, named as the plugin.
     * A symbolic name that is not a plain folder name (the framework accepts {@code x/../victim}, {@code .}) has none:
     * it would be another plugin's folder, or all of them.
     */
    Path pluginFolder(String symbolicName) {
        Path folder = pluginRoot.resolve(symbolicName).normalize();
        if (!isPlainName(symbolicName) || !pluginRoot.equals(folder.getParent())) {
            throw new IllegalArgumentException("the symbolic name '" + symbolicName + "' is not a plain folder name");
        }
        if (!made.contains(folder)) {
            try {
                Files.createDirectories(folder);
                made.add(folder);
            } catch (IOException e) {
                // the write that needed it fails on its own, with the JDK's message
            }
        }
        return folder;
    }

    /** The path as it is on disk: relative to the working directory, normalised, symbolic links resolved. */
    Path resolve(String target) {
        Path path = Paths.get(target);
        return real((path.isAbsolute() ? path : home.resolve(path)).normalize());
    }

    boolean isContainers(Path path) {
        for (Path root : container) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        for (List<Path> roots : configured.values()) {
            for (Path root : roots) {
                if (path.startsWith(root)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The paths configuration {@code pid} names now ({@code file:} before a file: its folder is the container's). */
    void configured(String pid, List<String> values) {
        List<Path> roots = new ArrayList<>();
        for (String value : values) {
            boolean file = value.startsWith("file:");
            Path path = resolve(file ? value.substring("file:".length()) : value);
            Path root = file ? path.getParent() : path;
            if (root != null) {
                roots.add(root);
            }
        }
        configured.put(pid, List.copyOf(roots));
    }

    boolean isReadableByAll(Path path) {
        for (Path root : readable) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    Path pluginRoot() {
        return pluginRoot;
    }

    /**
     * Where the JDK's configuration and security files really are when a distribution links them out of the JDK
     * (Debian's {@code lib/security/cacerts} to {@code /etc/ssl/certs/java/cacerts}, {@code conf} to
     * {@code /etc/java-17-openjdk}): the JDK reads them for whoever calls (the default TLS context a plugin's HTTP
     * client builds reads the trust store), so they are readable like the rest of the JDK. Only the link targets.
     */
    private static List<Path> jdkLinks(Path javaHome) {
        List<Path> targets = new ArrayList<>();
        for (String folder : List.of("conf", "conf/security", "lib", "lib/security")) {
            Path dir = javaHome.resolve(folder);
            if (Files.isSymbolicLink(dir)) {
                targets.add(real(dir));
            }
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (Files.isSymbolicLink(entry)) {
                        targets.add(real(entry));
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // nothing more to add from this folder
            }
        }
        return targets;
    }

    /** Resolves links in the longest part of the path that exists, so that a link cannot lead out of a folder. */
    private static Path real(Path path) {
        Path existing = path;
        Path rest = Paths.get("");
        while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName() == null ? rest : existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException | SecurityException e) {
            return path;
        }
    }
}
