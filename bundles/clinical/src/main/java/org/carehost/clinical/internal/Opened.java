package org.carehost.clinical.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Resources already opened (decrypted and parsed), by the exact sealed value their row holds: reading a row
 * whose stored value, id, version and time are the ones seen before returns the resource made then, instead of
 * opening AES-GCM and parsing the JSON again (together most of a read's cost). The database stays the truth:
 * every read still fetches the row, and any change to it (an update, a re-seal, a value copied from another
 * row) misses. Bounded; an arbitrary entry makes room, so a scan of many patients cannot grow it.
 *
 * @param <T> an immutable resource (Patient, Appointment), safe to hand to several callers
 */
final class Opened<T> {

    static final int MAX_ENTRIES = 4096;

    private record Entry<T>(String id, long version, Instant lastUpdated, T resource) {
    }

    private final ConcurrentHashMap<String, Entry<T>> entries = new ConcurrentHashMap<>();

    /** Makes the resource of a row whose stored value was not opened before. */
    interface Opener<T> {
        T open(String id, long version, Instant lastUpdated, String stored);
    }

    /** The resource of a row read as (id, version_id, last_updated, resource), opened only if not seen before. */
    T read(ResultSet row, Opener<T> opener) throws SQLException {
        String id = row.getString(1);
        long version = row.getLong(2);
        Instant lastUpdated = row.getObject(3, OffsetDateTime.class).toInstant();
        String stored = row.getString(4);
        return get(stored, id, version, lastUpdated, () -> opener.open(id, version, lastUpdated, stored));
    }

    /** The resource of this row, opened by {@code open} unless the same stored value was opened before. */
    T get(String stored, String id, long version, Instant lastUpdated, Supplier<T> open) {
        Entry<T> seen = entries.get(stored);
        if (seen != null && seen.id.equals(id) && seen.version == version && seen.lastUpdated.equals(lastUpdated)) {
            return seen.resource;
        }
        T resource = open.get();
        if (entries.size() >= MAX_ENTRIES) {
            Iterator<String> any = entries.keySet().iterator();
            if (any.hasNext()) {
                entries.remove(any.next());
            }
        }
        entries.put(stored, new Entry<>(id, version, lastUpdated, resource));
        return resource;
    }

    /**
     * Forgets everything: after a key is retired, a value sealed under it must not open any more, even one put
     * back into its row with its old version and time.
     */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
