package org.carehost.store;

import java.sql.Connection;
import java.sql.SQLException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The database, with its schema up to date. Connections come from a pool: close them (try-with-resources)
 * to give them back. They start in auto-commit mode.
 */
@ProviderType
public interface Store {

    Connection connection() throws SQLException;

    Dialect dialect();

    /**
     * Asks the store to repair its database after a write failed inside the database engine itself, not
     * because of the data. H2: compacts the file, which rewrites what a killed process left half written;
     * every open connection is closed by it, and the pool opens new ones. PostgreSQL: nothing to do.
     * Returns whether anything was repaired.
     */
    boolean repair() throws SQLException;

    /** The JDBC URL, for operators (never with a password). */
    String url();

    /** Database products whose SQL differs where it matters to the services. */
    enum Dialect {
        H2, POSTGRESQL
    }
}
