package org.carehost.sdk.data;

import java.util.List;
import java.util.Optional;

import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.VersionConflictException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The calling plugin's own documents, kept by the host: JSON, keyed, separate for each tenant (the call's care
 * context names it), sealed at rest like patient data, changed optimistically (each change names the version it
 * read), within a size quota per plugin and tenant that the operator sets. They stay when the plugin is updated or
 * reinstalled; only an operator removes them ({@code plugin:purge-data <plugin> --tenant T}). Needs
 * {@code store:plugin-data}; every call is audited. A plugin sees only its own documents.
 */
@ProviderType
public interface PluginDataService {

    /** Largest document, in bytes of JSON (UTF-8). */
    int MAX_DOCUMENT_BYTES = 256 * 1024;

    /** The document stored under {@code key}, if any. */
    Optional<PluginDocument> get(String key);

    /**
     * Stores {@code json} under {@code key}.
     *
     * @param expectedVersion the version read ({@link PluginDocument#version()}), or 0 for a document that must not
     *        exist yet
     * @return the stored document, with its new version
     * @throws VersionConflictException when the stored version is another one; nothing is stored
     * @throws ValidationException when the key (1 to 200 characters, no control characters) or the JSON (an object or
     *         array, at most {@link #MAX_DOCUMENT_BYTES}) is invalid
     * @throws PluginDataQuotaException when it would take the plugin over its quota in this tenant
     */
    PluginDocument put(String key, String json, long expectedVersion);

    /**
     * Deletes the document if it is still at {@code expectedVersion}; false when there is none.
     *
     * @throws VersionConflictException when the stored version is another one; nothing is deleted
     */
    boolean delete(String key, long expectedVersion);

    /** The keys starting with {@code prefix} (empty: all), in key order, at most {@code limit} (up to 1000). */
    List<String> keys(String prefix, int limit);
}
