package org.carehost.security.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The classes the container instantiates for a plugin, its Bundle-Activator and its Declarative Services
 * implementations, must be the plugin's own: otherwise a component description could have SCR build a JDK class
 * (which the plugin may always load) and call its methods, code the bytecode scan never sees. This is the early,
 * readable check, before the plugin resolves; {@link EntryClassLoads} enforces the same at run time, where SCR loads
 * the class.
 *
 * <p>A description is read as XML, as SCR reads it: every {@code implementation} element, in whatever namespace and
 * with its attributes in any order, entities and character references resolved. One that is not well-formed, or that
 * has a document type declaration (whose entities SCR's own parser may expand differently), is refused rather than
 * guessed at. A class counts as the plugin's own when its class file is in the plugin and its package is neither the
 * JDK's ({@code java.*}) nor one the plugin imports (and does not export): the framework loads those from elsewhere,
 * whatever copy the jar holds. What the wiring decides (a substitutable export, a required bundle's package, a
 * description in a fragment) is left to the run-time check.
 */
final class EntryPoints {

    private static final int MAX_DESCRIPTION_BYTES = 1024 * 1024;

    private EntryPoints() {
    }

    /** What is wrong with the plugin's entry points; empty when every one is a class of its own. */
    static List<String> problems(Bundle bundle, List<String> files) throws IOException {
        Set<String> own = new HashSet<>(files);
        java.util.Dictionary<String, String> headers = bundle.getHeaders("");
        Set<String> elsewhere = packagesFromElsewhere(headers);
        List<String> problems = new ArrayList<>();
        String activator = headers.get(Constants.BUNDLE_ACTIVATOR);
        if (activator != null) {
            String why = notOwn(activator.trim(), own, elsewhere);
            if (why != null) {
                problems.add("its Bundle-Activator " + activator.trim() + " is not a class of the plugin (" + why + ")");
            }
        }
        String components = headers.get("Service-Component");
        if (components == null) {
            return problems;
        }
        for (String path : files) {
            if (!path.endsWith(".xml") || !listed(components, path)) {
                continue;
            }
            byte[] bytes;
            try (InputStream in = BundleEntries.of(bundle).open(path)) {
                if (in == null) {
                    continue;
                }
                bytes = in.readNBytes(MAX_DESCRIPTION_BYTES + 1);
            }
            if (bytes.length > MAX_DESCRIPTION_BYTES) {
                problems.add("its component description " + path + " is larger than 1 MiB");
                continue;
            }
            List<String> implementations;
            try {
                implementations = implementations(bytes);
            } catch (XMLStreamException | RuntimeException e) {
                problems.add("its component description " + path + " cannot be read as XML (" + e.getMessage()
                        + "); fix the file (bnd writes valid descriptions from @Component)");
                continue;
            }
            for (String name : implementations) {
                String why = notOwn(name, own, elsewhere);
                if (why != null) {
                    problems.add("its component " + path + " names the implementation " + name
                            + ", which is not a class of the plugin (" + why + ")");
                }
            }
        }
        return problems;
    }

    /**
     * The {@code class} of every {@code implementation} element of a component description. A document type
     * declaration is refused: SCR's parser and this one could read its entities differently.
     */
    static List<String> implementations(byte[] description) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory(); // the JDK's own, whatever a service lookup finds
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        List<String> names = new ArrayList<>();
        XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(description));
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new XMLStreamException("a document type declaration is not allowed in a component description");
                }
                if (event == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals("implementation")) {
                    boolean named = false;
                    for (int i = 0; i < reader.getAttributeCount(); i++) {
                        if (reader.getAttributeLocalName(i).equals("class")) {
                            names.add(reader.getAttributeValue(i).strip());
                            named = true;
                        }
                    }
                    if (!named) {
                        throw new XMLStreamException("an implementation element without a class");
                    }
                }
            }
        } finally {
            reader.close();
        }
        return names;
    }

    /** Why {@code className} is not a class of the plugin, or null when it is. */
    private static String notOwn(String className, Set<String> own, Set<String> elsewhere) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        if (pkg.equals("java") || pkg.startsWith("java.")) {
            return "a class of the JDK";
        }
        if (!own.contains(className.replace('.', '/') + ".class")) {
            return "no such class file in it";
        }
        if (elsewhere.contains(pkg)) {
            return "its package " + pkg + " is imported, so the framework loads it from another bundle";
        }
        return null;
    }

    /**
     * The packages of Import-Package (DynamicImport-Package is consulted only for a class the plugin lacks, and a class
     * it lacks is refused already).
     */
    private static Set<String> packagesFromElsewhere(java.util.Dictionary<String, String> headers) {
        Set<String> packages = packageNames(headers.get(Constants.IMPORT_PACKAGE));
        // a package the plugin exports and imports (bnd's substitutable export) may well be wired to itself: the
        // run-time check sees the wiring (EntryClassLoads), as it does a package a required bundle exports
        packages.removeAll(packageNames(headers.get(Constants.EXPORT_PACKAGE)));
        return packages;
    }

    private static Set<String> packageNames(String header) {
        Set<String> packages = new HashSet<>();
        if (header != null) {
            for (String clause : splitClauses(header)) {
                for (String part : clause.split(";")) {
                    String name = part.strip();
                    if (!name.isEmpty() && !name.contains("=")) {
                        packages.add(name);
                    }
                }
            }
        }
        return packages;
    }

    /** A manifest header's clauses: commas outside quoted strings. */
    private static List<String> splitClauses(String header) {
        List<String> clauses = new ArrayList<>();
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                clauses.add(clause.toString());
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        clauses.add(clause.toString());
        return clauses;
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
}
