package org.carehost.catalog.internal;

import org.carehost.catalog.CatalogException;
import org.osgi.framework.Version;

/** A plugin as the operator names it: {@code name} or {@code name@version}. */
record Spec(String name, Version version) {

    static Spec of(String text) throws CatalogException {
        if (text == null || text.isBlank()) {
            throw new CatalogException("Name a plugin: its symbolic name, or name@version (catalog:search shows them).");
        }
        String trimmed = text.strip();
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            return new Spec(trimmed, null);
        }
        String name = trimmed.substring(0, at);
        String version = trimmed.substring(at + 1);
        if (name.isEmpty()) {
            throw new CatalogException("'" + text + "' names no plugin before the @.");
        }
        try {
            return new Spec(name, Version.parseVersion(version));
        } catch (IllegalArgumentException e) {
            throw new CatalogException("'" + version + "' is not a version (like 1.2.0) in '" + text + "'.");
        }
    }
}
