package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One document of an import, read: a single resource, or the entries of a {@code transaction} or {@code batch}
 * Bundle. Reading decides only the document's shape; each entry's resource is read (and refused) on its own. Messages
 * never quote the document (it may be any file an operator named): they give the line and column instead.
 *
 * @param kind how its entries are stored
 * @param entries the resources, each with its source name, or the reason it cannot be imported
 */
record ImportDocument(Kind kind, List<Entry> entries) {

    /** How a document's entries are stored. */
    enum Kind {
        /** One resource, stored on its own. */
        SINGLE,
        /** A transaction Bundle: all entries or none. */
        TRANSACTION,
        /** A batch Bundle: each entry on its own. */
        BATCH
    }

    /** One resource to import, or (when {@code problem} is set) why that entry cannot be. */
    record Entry(String source, String json, String problem) {
    }

    /** The document could not be read at all; the message says why and what to do. */
    static final class UnreadableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableException(String message) {
            super(message);
        }
    }

    /** The resource types an import stores. */
    static final Set<String> IMPORTED = Set.of("Patient");
    /** The most entries one Bundle may have; a bigger one is refused whole. */
    static final int MAX_ENTRIES = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** @throws UnreadableException when it is not JSON, not a resource, or a resource or Bundle type not imported */
    static ImportDocument read(String source, String text) {
        if (text == null || text.isBlank()) {
            throw new UnreadableException(source + " is empty: expected FHIR JSON (a Patient, or a Bundle of type "
                    + "transaction or batch)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UnreadableException(source + " is not valid JSON" + (at == null ? "" : " (line "
                    + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": fix the file and import it again");
        }
        String type = resourceType(root);
        if (type == null) {
            throw new UnreadableException(source + " is not a FHIR resource: expected a JSON object with a "
                    + "\"resourceType\" (Patient, or Bundle)");
        }
        if (!type.equals("Bundle")) {
            if (!IMPORTED.contains(type)) {
                throw new UnreadableException(source + ": " + notImported(type));
            }
            return new ImportDocument(Kind.SINGLE, List.of(new Entry(source, root.toString(), null)));
        }
        String bundleType = root.path("type").asText("");
        Kind kind = switch (bundleType) {
            case "transaction" -> Kind.TRANSACTION;
            case "batch" -> Kind.BATCH;
            default -> throw new UnreadableException(source + " is a Bundle of type '" + bundleType + "': only "
                    + "'transaction' (all or nothing) and 'batch' (entry by entry) Bundles are imported");
        };
        JsonNode entries = root.path("entry");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new UnreadableException(source + " is a " + bundleType + " Bundle without entries: nothing to import");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new UnreadableException(source + " has " + entries.size() + " entries, more than the "
                    + MAX_ENTRIES + " one Bundle may have: split it into several files");
        }
        List<Entry> read = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            read.add(entry(source + "#entry[" + i + "]", entries.get(i)));
        }
        return new ImportDocument(kind, List.copyOf(read));
    }

    private static Entry entry(String source, JsonNode entry) {
        JsonNode resource = entry.path("resource");
        String type = resourceType(resource);
        if (type == null) {
            return new Entry(source, null, "the entry has no resource (a JSON object with a \"resourceType\")");
        }
        if (!IMPORTED.contains(type)) {
            return new Entry(source, null, notImported(type));
        }
        String method = entry.path("request").path("method").asText("").toUpperCase(Locale.ROOT);
        if (!method.isEmpty() && !method.equals("POST") && !method.equals("PUT")) {
            return new Entry(source, null, "request method " + method + " is not imported: an import creates or "
                    + "updates patients (POST or PUT)");
        }
        return new Entry(source, resource.toString(), null);
    }

    private static String resourceType(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("resourceType").isTextual()
                || node.path("resourceType").asText().isBlank()) {
            return null;
        }
        return node.path("resourceType").asText();
    }

    private static String notImported(String type) {
        String shown = type.length() > 60 || !type.matches("[A-Za-z]+") ? "(not a FHIR resource type)" : "'" + type + "'";
        return "resource type " + shown + " is not imported; patient:import takes Patient resources, "
                + "or transaction or batch Bundles of them";
    }
}
