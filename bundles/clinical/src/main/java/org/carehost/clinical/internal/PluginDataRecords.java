package org.carehost.clinical.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.carehost.clock.ContainerClock;
import org.carehost.crypto.PhiCipher;
import org.carehost.sdk.data.PluginDataQuotaException;
import org.carehost.sdk.data.PluginDataService;
import org.carehost.sdk.data.PluginDocument;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.store.NamedLocks;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plugins' documents in the store ({@code plugin_data}): one row per plugin, tenant and key, the JSON sealed like a
 * resource and bound to its row id, a version that each change must name, and what each is charged, summed for the
 * quota ({@link #charged}: its JSON, its key and a row's own share, so that empty documents are not free), read and
 * written as one step per plugin and tenant ({@link NamedLocks}: concurrent puts cannot pass it together). Every statement names plugin and tenant, so one plugin never reaches another's documents. Kept across
 * updates and reinstalls of the plugin; {@link #purge} (an operator's command) is the only way they go wholesale.
 */
@Component(service = PluginDataRecords.class)
public final class PluginDataRecords {

    static final String TYPE = "PluginData";

    /**
     * What a row takes of the quota beyond its JSON and key: its ids, version, times and the seal's envelope. Without
     * it, '{}' documents under one-character keys would give millions of rows per tenant within the default quota.
     */
    static final int ROW_BYTES = 128;

    /** What a document is charged against the quota: its JSON and its key in UTF-8 bytes, and {@link #ROW_BYTES}. */
    static int charged(String key, String compactJson) {
        return compactJson.getBytes(StandardCharsets.UTF_8).length + key.getBytes(StandardCharsets.UTF_8).length
                + ROW_BYTES;
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    /** One put at a time per plugin and tenant, here and on every node: its quota is read and written as one step. */
    private final NamedLocks locks;
    private final AtRest atRest;
    private final Clock clock;

    @Activate
    public PluginDataRecords(@Reference Store store, @Reference PhiCipher cipher,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.locks = new NamedLocks(store);
        this.clock = clock;
        this.atRest = new AtRest(cipher);
    }

    Optional<PluginDocument> get(String plugin, String tenant, String key) {
        checkKey(key);
        try (Connection connection = store.connection()) {
            return read(connection, plugin, tenant, key);
        } catch (SQLException e) {
            throw Sql.failure("read the plugin's document", e);
        }
    }

    PluginDocument put(String plugin, String tenant, String key, String json, long expectedVersion, long quotaBytes) {
        checkKey(key);
        String compact = checkJson(json);
        int size = charged(key, compact);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (NamedLocks.Held quota = locks.hold("plugin-data\n" + plugin + "\n" + tenant);
                Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                quota.lockRow(connection);
                Optional<PluginDocument> current = read(connection, plugin, tenant, key);
                long currentVersion = current.map(PluginDocument::version).orElse(0L);
                if (currentVersion != expectedVersion) {
                    throw new VersionConflictException(TYPE, key, expectedVersion, currentVersion);
                }
                long used = used(connection, plugin, tenant) - current.map(doc -> size(connection, plugin, tenant, key))
                        .orElse(0L) + size;
                if (used > quotaBytes) {
                    throw new PluginDataQuotaException(plugin, tenant, used, quotaBytes);
                }
                long version = currentVersion + 1;
                if (current.isEmpty()) {
                    String id = UUID.randomUUID().toString();
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO plugin_data (id, plugin, "
                            + "tenant, doc_key, version_id, last_updated, size_bytes, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                        insert.setString(1, id);
                        insert.setString(2, plugin);
                        insert.setString(3, tenant);
                        insert.setString(4, key);
                        insert.setLong(5, version);
                        insert.setObject(6, Statements.utc(now));
                        insert.setInt(7, size);
                        insert.setString(8, atRest.seal(TYPE, id, compact));
                        insert.executeUpdate();
                    } catch (SQLException raced) {
                        // another put created it meanwhile (the unique key): the caller read an older state
                        throw new VersionConflictException(TYPE, key, expectedVersion, expectedVersion + 1);
                    }
                } else {
                    String id = idOf(connection, plugin, tenant, key);
                    try (PreparedStatement update = connection.prepareStatement("UPDATE plugin_data SET version_id = ?, "
                            + "last_updated = ?, size_bytes = ?, resource = ? WHERE id = ? AND version_id = ?")) {
                        update.setLong(1, version);
                        update.setObject(2, Statements.utc(now));
                        update.setInt(3, size);
                        update.setString(4, atRest.seal(TYPE, id, compact));
                        update.setString(5, id);
                        update.setLong(6, currentVersion);
                        if (update.executeUpdate() == 0) {
                            throw new VersionConflictException(TYPE, key, expectedVersion, currentVersion + 1);
                        }
                    }
                }
                connection.commit();
                return new PluginDocument(key, version, compact, now);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Sql.failure("store the plugin's document", e);
        }
    }

    boolean delete(String plugin, String tenant, String key, long expectedVersion) {
        checkKey(key);
        try (Connection connection = store.connection()) {
            Optional<PluginDocument> current = read(connection, plugin, tenant, key);
            if (current.isEmpty()) {
                return false;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM plugin_data WHERE plugin = ? "
                    + "AND tenant = ? AND doc_key = ? AND version_id = ?")) {
                delete.setString(1, plugin);
                delete.setString(2, tenant);
                delete.setString(3, key);
                delete.setLong(4, expectedVersion);
                if (delete.executeUpdate() == 0) {
                    throw new VersionConflictException(TYPE, key, expectedVersion, current.get().version());
                }
                return true;
            }
        } catch (SQLException e) {
            throw Sql.failure("delete the plugin's document", e);
        }
    }

    List<String> keys(String plugin, String tenant, String prefix, int limit) {
        List<String> keys = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT doc_key FROM plugin_data WHERE plugin = ? "
                        + "AND tenant = ? AND doc_key LIKE ? ESCAPE '\\' ORDER BY doc_key LIMIT ?")) {
            select.setString(1, plugin);
            select.setString(2, tenant);
            select.setString(3, Sql.startsWith(prefix == null ? "" : prefix));
            select.setInt(4, Math.max(1, Math.min(1000, limit)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw Sql.failure("list the plugin's documents", e);
        }
    }

    /** Removes every document of the plugin in the tenant; returns how many. */
    int purge(String plugin, String tenant) {
        try (Connection connection = store.connection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM plugin_data WHERE plugin = ? AND tenant = ?")) {
            delete.setString(1, plugin);
            delete.setString(2, tenant);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw Sql.failure("purge the plugin's documents", e);
        }
    }

    /** Bytes of JSON the plugin keeps in the tenant. */
    long used(String plugin, String tenant) {
        try (Connection connection = store.connection()) {
            return used(connection, plugin, tenant);
        } catch (SQLException e) {
            throw Sql.failure("sum the plugin's documents", e);
        }
    }

    long staleCount() {
        try (Connection connection = store.connection()) {
            return atRest.staleCount(connection, "plugin_data");
        } catch (SQLException e) {
            throw Sql.failure("count the plugin documents left to re-encrypt", e);
        }
    }

    /** Re-seals up to {@code batch} documents not sealed under the current key; each row checked and set at once. */
    int reseal(int batch) {
        int done = 0;
        try (Connection connection = store.connection()) {
            for (String[] row : atRest.stale(connection, "plugin_data", batch)) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE plugin_data SET resource = ? WHERE id = ? AND resource = ?")) {
                    update.setString(1, atRest.seal(TYPE, row[0], atRest.open(TYPE, row[0], row[1])));
                    update.setString(2, row[0]);
                    update.setString(3, row[1]);
                    done += update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("re-seal plugin documents", e);
        }
        return done;
    }

    private Optional<PluginDocument> read(Connection connection, String plugin, String tenant, String key)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, version_id, last_updated, resource "
                + "FROM plugin_data WHERE plugin = ? AND tenant = ? AND doc_key = ?")) {
            select.setString(1, plugin);
            select.setString(2, tenant);
            select.setString(3, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String id = row.getString(1);
                return Optional.of(new PluginDocument(key, row.getLong(2),
                        atRest.open(TYPE, id, row.getString(4)),
                        row.getObject(3, java.time.OffsetDateTime.class).toInstant()));
            }
        }
    }

    private static String idOf(Connection connection, String plugin, String tenant, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM plugin_data WHERE plugin = ? AND tenant = ? AND doc_key = ?")) {
            select.setString(1, plugin);
            select.setString(2, tenant);
            select.setString(3, key);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static long used(Connection connection, String plugin, String tenant) throws SQLException {
        try (PreparedStatement sum = connection.prepareStatement(
                "SELECT COALESCE(SUM(size_bytes), 0) FROM plugin_data WHERE plugin = ? AND tenant = ?")) {
            sum.setString(1, plugin);
            sum.setString(2, tenant);
            try (ResultSet row = sum.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static long size(Connection connection, String plugin, String tenant, String key) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT size_bytes FROM plugin_data WHERE plugin = ? AND tenant = ? AND doc_key = ?")) {
            select.setString(1, plugin);
            select.setString(2, tenant);
            select.setString(3, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw Sql.failure("read the document's size", e);
        }
    }

    private static void checkKey(String key) {
        List<ValidationIssue> issues = new ArrayList<>();
        if (key == null || key.isEmpty()) {
            issues.add(ValidationIssue.error("key", "is required (1 to 200 characters)"));
        } else {
            Checks.text(issues, "key", key, 200);
        }
        if (!issues.isEmpty()) {
            throw new ValidationException(TYPE, issues);
        }
    }

    /** The JSON, compacted; refused unless an object or array within the size limit. */
    private static String checkJson(String json) {
        if (json == null) {
            throw new ValidationException(TYPE, List.of(ValidationIssue.error("json", "is required")));
        }
        if (json.length() > PluginDataService.MAX_DOCUMENT_BYTES
                || json.getBytes(StandardCharsets.UTF_8).length > PluginDataService.MAX_DOCUMENT_BYTES) {
            throw new ValidationException(TYPE, List.of(ValidationIssue.error("json", "is larger than "
                    + PluginDataService.MAX_DOCUMENT_BYTES + " bytes")));
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !(node.isObject() || node.isArray())) {
                throw new ValidationException(TYPE, List.of(ValidationIssue.error("json", "must be a JSON object or array")));
            }
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new ValidationException(TYPE, List.of(ValidationIssue.error("json", "is not JSON: "
                    + e.getOriginalMessage())));
        }
    }
}
