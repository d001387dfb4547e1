package org.carehost.wasm.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a bundle's {@code Carehost-Wasm} header: the module's path in the bundle, its kind and the attributes
 * that go with it, e.g. {@code plugin.wasm;kind=validator;resource=Patient;deadline-ms=500}. Kinds: {@code module}
 * (only {@code wasm:call}), {@code validator} ({@code resource=Patient|Appointment}, function {@code validate}),
 * {@code transformer} ({@code resource=...}, function {@code transform}), {@code notifier} ({@code channel=...},
 * function {@code notify}).
 */
record WasmDescriptor(String path, Kind kind, Map<String, String> attributes) {

    static final String HEADER = "Carehost-Wasm";

    enum Kind {
        MODULE, VALIDATOR, TRANSFORMER, NOTIFIER;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String text) {
            for (Kind kind : values()) {
                if (kind.id().equals(text.trim())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("kind=" + text + " is not one of module, validator, transformer, "
                    + "notifier");
        }
    }

    String attribute(String name) {
        return attributes.get(name);
    }

    /**
     * Parses the header's entries (comma-separated; attributes after {@code ;} as {@code name=value}, quotes allowed).
     *
     * @throws IllegalArgumentException naming the entry at fault
     */
    static List<WasmDescriptor> parse(String header) {
        List<WasmDescriptor> all = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return all;
        }
        for (String entry : split(header, ',')) {
            List<String> parts = split(entry, ';');
            String path = parts.get(0).trim();
            if (path.isEmpty() || !path.endsWith(".wasm") || path.contains("..")) {
                throw new IllegalArgumentException(HEADER + ": '" + entry.trim() + "' must start with the path of a "
                        + ".wasm file inside the bundle");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException(HEADER + ": '" + part.trim() + "' in '" + entry.trim()
                            + "' is not name=value");
                }
                String value = part.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                attributes.put(part.substring(0, eq).trim().replace(":", ""), value);
            }
            Kind kind = attributes.containsKey("kind") ? Kind.parse(attributes.get("kind")) : Kind.MODULE;
            if ((kind == Kind.VALIDATOR || kind == Kind.TRANSFORMER) && !attributes.containsKey("resource")) {
                throw new IllegalArgumentException(HEADER + ": a " + kind.id() + " names its resource "
                        + "(resource=Patient or resource=Appointment) in '" + entry.trim() + "'");
            }
            all.add(new WasmDescriptor(path.startsWith("/") ? path.substring(1) : path, kind, Map.copyOf(attributes)));
        }
        return all;
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
