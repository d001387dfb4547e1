package org.carehost.store.h2;

import java.sql.SQLException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What only an H2 file database offers: a full compaction, which rewrites what a killed process left half written.
 * Every open connection is closed by it, and the pool opens new ones. Get it with
 * {@code store.adaptTo(Compaction.class)}: present only when the store is an H2 file database.
 */
@ProviderType
public interface Compaction {

    /**
     * Compacts the database after a write failed inside the database engine itself, not because of the data;
     * returns how long it took in milliseconds.
     */
    long compact() throws SQLException;
}
