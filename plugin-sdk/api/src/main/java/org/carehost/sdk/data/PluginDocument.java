package org.carehost.sdk.data;

import java.time.Instant;
import java.util.Objects;

/**
 * One of a plugin's documents as stored.
 *
 * @param key the plugin's own key, e.g. {@code reminder/Appointment/123}
 * @param version 1 when first stored, one more at each change: pass it back to change or delete the document
 * @param json the document, a JSON object or array
 * @param lastUpdated when it was stored
 */
public record PluginDocument(String key, long version, String json, Instant lastUpdated) {

    public PluginDocument {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
    }
}
