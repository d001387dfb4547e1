package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The packages a plugin may import from the container: the SDK, the OSGi APIs a plugin needs (not the
 * framework's hooks, wiring or launch APIs, nor Config Admin), Jackson and SLF4J, plus what the policy adds
 * with {@code allow-import}. A {@code prefix.*} entry covers the package itself and every package below it.
 * Packages that other plugins export are always allowed; the container's own packages never come from a plugin.
 */
final class ImportRules {

    static final List<String> DEFAULTS = List.of(
            "java.*",
            "org.carehost.sdk.*",
            "org.osgi.framework",
            "org.osgi.service.component",
            "org.osgi.service.component.annotations",
            "org.osgi.service.component.propertytypes",
            "org.osgi.service.event",
            "org.osgi.service.event.propertytypes",
            "org.osgi.service.log",
            "org.osgi.service.metatype.annotations",
            "org.osgi.annotation.*",
            "org.osgi.util.*",
            "org.slf4j",
            "com.fasterxml.jackson.*");

    /** Packages only the container provides: a plugin exporting one would stand in for the real API. */
    static final List<String> CONTAINER_ONLY = List.of("java.*", "javax.*", "org.osgi.*", "org.carehost.sdk.*",
            "org.carehost.audit.*", "org.carehost.store.*", "org.carehost.security.*", "org.carehost.plugins.*",
            "org.apache.felix.*", "com.fasterxml.jackson.*", "org.slf4j.*");

    private final List<String> allowed;

    ImportRules(List<String> extra) {
        List<String> all = new ArrayList<>(DEFAULTS);
        all.addAll(extra);
        this.allowed = List.copyOf(all);
    }

    boolean allowed(String pkg) {
        return matchesAny(allowed, pkg);
    }

    List<String> allowed() {
        return allowed;
    }

    static boolean containerOnly(String pkg) {
        return matchesAny(CONTAINER_ONLY, pkg);
    }

    static boolean matchesAny(List<String> patterns, String pkg) {
        for (String pattern : patterns) {
            if (pattern.endsWith(".*")) {
                String base = pattern.substring(0, pattern.length() - 2);
                if (pkg.equals(base) || pkg.startsWith(base + ".")) {
                    return true;
                }
            } else if (pkg.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
