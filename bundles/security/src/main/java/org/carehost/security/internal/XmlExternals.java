package org.carehost.security.internal;

import java.util.List;

import org.osgi.service.log.Logger;

/**
 * Closes the JDK's XML parsers to external DTDs, entities, schemas and stylesheets for the whole JVM
 * ({@code javax.xml.accessExternalDTD}, {@code accessExternalSchema}, {@code accessExternalStylesheet} set to no
 * protocol at all). Red team 11: a plugin fragment held component descriptors whose document type declaration named
 * the data key's file, the SSH host key and a URL; SCR, which reads descriptors from a plugin's fragments too, parsed
 * them on the container's thread, so the parser's reads and connections were the container's own, and the plugin
 * read the key, sent a secret out, and held the deploy watcher on a connection that never answered. The check of a
 * plugin's descriptors refuses a declaration in its own jar ({@link EntryPoints}); this closes what any parser of the
 * container's (SCR's, Metatype's, Config Admin's) could be driven to fetch from a file a plugin supplies, whatever the
 * path. No container descriptor or configuration needs an external DTD; a plugin that parses XML with one gets the
 * JDK's error naming the property.
 *
 * <p>Set as the security manager starts, before any plugin resolves (each JDK parser reads the properties when it is
 * made); plugins may not write system properties (the run-time layer refuses it).
 */
final class XmlExternals {

    private static final List<String> PROPERTIES = List.of("javax.xml.accessExternalDTD",
            "javax.xml.accessExternalSchema", "javax.xml.accessExternalStylesheet");

    private XmlExternals() {
    }

    static void close(Logger logger) {
        for (String property : PROPERTIES) {
            String was = System.setProperty(property, "");
            if (was != null && !was.isEmpty()) {
                logger.warn("Security: {} was '{}'; set to no protocol, since a plugin's component description or "
                        + "configuration could otherwise have the container's parsers fetch files and URLs for it",
                        property, was);
            }
        }
    }
}
