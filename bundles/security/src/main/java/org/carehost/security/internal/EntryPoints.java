package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The classes the container instantiates for a plugin, its Bundle-Activator and its Declarative Services
 * implementations, must be the plugin's own: otherwise a component description could have SCR build a JDK class
 * (which the plugin may always load) and call its methods, code the bytecode scan never sees.
 */
final class EntryPoints {

    private static final Pattern IMPLEMENTATION = Pattern.compile("<(?:\\w+:)?implementation\\s+class\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final int MAX_DESCRIPTION_BYTES = 1024 * 1024;

    private EntryPoints() {
    }

    /** What is wrong with the plugin's entry points; empty when every one is a class of its own. */
    static List<String> problems(Bundle bundle, List<String> files) throws IOException {
        Set<String> own = new HashSet<>(files);
        List<String> problems = new ArrayList<>();
        String activator = bundle.getHeaders("").get(Constants.BUNDLE_ACTIVATOR);
        if (activator != null && !own.contains(classFile(activator.trim()))) {
            problems.add("its Bundle-Activator " + activator.trim() + " is not a class of the plugin");
        }
        String components = bundle.getHeaders("").get("Service-Component");
        if (components == null) {
            return problems;
        }
        for (String path : files) {
            if (!path.endsWith(".xml") || !listed(components, path)) {
                continue;
            }
            String xml;
            try (InputStream in = BundleEntries.of(bundle).open(path)) {
                if (in == null) {
                    continue;
                }
                byte[] bytes = in.readNBytes(MAX_DESCRIPTION_BYTES + 1);
                if (bytes.length > MAX_DESCRIPTION_BYTES) {
                    problems.add("its component description " + path + " is larger than 1 MiB");
                    continue;
                }
                xml = new String(bytes, StandardCharsets.UTF_8);
            }
            Matcher implementation = IMPLEMENTATION.matcher(xml);
            while (implementation.find()) {
                String name = implementation.group(1).trim();
                if (!own.contains(classFile(name))) {
                    problems.add("its component " + path + " names the implementation " + name
                            + ", which is not a class of the plugin");
                }
            }
        }
        return problems;
    }

    /** Whether the Service-Component header (paths, possibly with * in the last segment) lists {@code path}. */
    static boolean listed(String header, String path) {
        for (String clause : header.split(",")) {
            String pattern = clause.split(";")[0].trim();
            if (pattern.startsWith("/")) {
                pattern = pattern.substring(1);
            }
            String regex = Pattern.quote(pattern).replace("*", "\\E[^/]*\\Q");
            if (path.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    private static String classFile(String className) {
        return className.replace('.', '/') + ".class";
    }
}
