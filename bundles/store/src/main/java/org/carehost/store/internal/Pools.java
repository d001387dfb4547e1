package org.carehost.store.internal;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The connection pool: HikariCP over the driver's own DataSource (from its DataSourceFactory, so no driver class is
 * ever loaded by name). It checks a connection that sat idle before handing it out, replaces connections after
 * {@link #MAX_LIFETIME_MINUTES} and any that failed with a connection error. So after a database restart the first callers get
 * fresh connections instead of dead ones. Leak detection (a connection held past {@code leakDetectionSeconds} is
 * logged with where it was borrowed) is off unless configured: HikariCP schedules a timer task at every borrow for it,
 * which measured as the larger part of an unaudited read's time (ServiceThroughput: 258,654 reads/s with it, 456,232
 * without, both without the agent), and each such task made is a stack walk for the run-time layer.
 */
final class Pools {

    /** Below PostgreSQL's and most firewalls' idle limits. */
    static final long MAX_LIFETIME_MINUTES = 30;
    /** How long a caller waits for a connection (all in use, or the database unreachable) before it gets an error. */
    static final long CONNECTION_TIMEOUT_SECONDS = 30;

    private Pools() {
    }

    static HikariDataSource hikari(DataSource dataSource, int size, int leakDetectionSeconds) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource);
        config.setPoolName("carehost-store");
        config.setMaximumPoolSize(size);
        config.setAutoCommit(true);
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECTION_TIMEOUT_SECONDS));
        config.setValidationTimeout(TimeUnit.SECONDS.toMillis(5));
        config.setMaxLifetime(TimeUnit.MINUTES.toMillis(MAX_LIFETIME_MINUTES));
        if (leakDetectionSeconds > 0) {
            config.setLeakDetectionThreshold(TimeUnit.SECONDS.toMillis(Math.max(2, leakDetectionSeconds))); // its least
        }
        // The store's first connection (the migrations) is what reports an unreachable database, with its URL.
        config.setInitializationFailTimeout(-1);
        config.setRegisterMbeans(false);
        config.setExceptionOverride(new ClosedDatabaseEviction());
        return new HikariDataSource(config);
    }
}
