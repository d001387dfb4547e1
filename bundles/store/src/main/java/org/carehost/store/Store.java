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
     * What this store offers beyond the generic API, such as {@link org.carehost.store.h2.Compaction} on an H2
     * file database; empty when it does not offer {@code type}.
     */
    <T> java.util.Optional<T> adaptTo(Class<T> type);

    /**
     * The connection pool's use now.
     *
     * @since 2.1
     */
    PoolUse poolUse();

    /**
     * Whether no other process can use this database while this one has it open: an H2 file database without
     * {@code AUTO_SERVER} (H2 locks its file) or an in-memory one. A row claimed by an earlier run of this process and
     * still marked claimed at start is then stale for certain (that run was killed): its claim can be released at
     * once instead of waiting for it to expire. A database that nodes may share (PostgreSQL, an H2 server) is not.
     *
     * @since 2.3
     */
    default boolean exclusive() {
        return false;
    }

    /** The JDBC URL, for operators (never with a password). */
    String url();

    /** Database products whose SQL differs where it matters to the services. */
    enum Dialect {
        H2, POSTGRESQL
    }
}
