package org.carehost.catalog.internal;

import org.osgi.resource.Requirement;

/** A requirement in plain words: "org.example.app 1.0.0 requires package org.example.lib [1.0,2)". */
final class Requirements {

    private Requirements() {
    }

    static String describe(Requirement requirement) {
        String who = requirement.getResource() == null ? "a bundle"
                : Resources.symbolicName(requirement.getResource()) + " " + Resources.version(requirement.getResource());
        String filter = requirement.getDirectives().getOrDefault("filter", "");
        String what = switch (requirement.getNamespace()) {
            case "osgi.wiring.package" -> "package " + name(filter, "osgi.wiring.package");
            case "osgi.wiring.bundle" -> "bundle " + name(filter, "osgi.wiring.bundle");
            case "osgi.wiring.host" -> "host bundle " + name(filter, "osgi.wiring.host");
            case "osgi.identity" -> "bundle " + name(filter, "osgi.identity");
            default -> requirement.getNamespace();
        };
        return who + " requires " + what + " (" + requirement.getNamespace() + ": " + filter + ")";
    }

    private static String name(String filter, String attribute) {
        String key = "(" + attribute + "=";
        int start = filter.indexOf(key);
        if (start < 0) {
            return "?";
        }
        int end = filter.indexOf(')', start);
        return end < 0 ? "?" : filter.substring(start + key.length(), end);
    }
}
