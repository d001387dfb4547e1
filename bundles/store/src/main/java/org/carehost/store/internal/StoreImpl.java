package org.carehost.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.carehost.settings.Setting;
import org.carehost.store.Store;
import org.carehost.store.h2.Compaction;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The store: picks the JDBC driver's DataSourceFactory for the configured URL, pools its DataSource's connections
 * with HikariCP and migrates the schema before it offers itself, so that every user of {@link Store} sees an
 * up-to-date schema.
 */
@Component(configurationPid = "org.carehost.store", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = StoreConfiguration.class)
public final class StoreImpl implements Store {

    /**
     * H2 in data/. WRITE_DELAY=0: a commit is written to the file before it returns (H2's default keeps it in
     * memory for up to 500 ms), so an acknowledged write survives the process being killed.
     */
    static final String DEFAULT_URL = "jdbc:h2:file:./data/db/carehost;WRITE_DELAY=0";
    static final String URL_PROPERTY = "carehost.store.url";

    private final String url;
    private final Dialect dialect;
    private final DataSource dataSource;
    private final HikariDataSource pool;
    /** H2 file databases only: repairs after a kill, and tells a clean stop from one. */
    private final java.util.Optional<UncleanStop> uncleanStop;
    private final Logger log;

    @Activate
    public StoreImpl(StoreConfiguration configuration, BundleContext context,
            @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policyOption = ReferencePolicyOption.GREEDY)
            List<Map.Entry<Map<String, Object>, DataSourceFactory>> drivers,
            @Reference(service = LoggerFactory.class) Logger log) throws Exception {
        this.url = urlOf(configuration, context);
        this.dialect = dialectOf(url);
        DataSourceFactory factory = driverFor(drivers, dialect);
        Properties properties = new Properties();
        properties.setProperty(DataSourceFactory.JDBC_URL, driverUrl(url));
        // Unset user and password stay unset, so that a URL carrying them (PostgreSQL's ?user=) is not overridden.
        if (!configuration.user().isBlank()) {
            properties.setProperty(DataSourceFactory.JDBC_USER, configuration.user());
        }
        if (!configuration.password().isEmpty()) {
            properties.setProperty(DataSourceFactory.JDBC_PASSWORD, configuration.password());
        }
        this.log = log;
        this.dataSource = factory.createDataSource(properties);
        this.uncleanStop = UncleanStop.forUrl(url);
        uncleanStop.ifPresent(this::repairIfUnclean);
        this.pool = Pools.hikari(dataSource, configuration.poolSize(), configuration.leakDetectionSeconds());
        try (Connection connection = pool.getConnection()) {
            List<Integer> applied = Migrations.migrate(connection, dialect);
            log.info("Store {} ready (schema version {}{})", url(),
                    Migrations.currentVersion(connection), applied.isEmpty() ? "" : ", applied " + applied);
        } catch (SQLException e) {
            pool.close();
            throw new SQLException("Cannot open the store " + url() + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Never fails the start: an unrepaired database may still serve, and the next start tries again. */
    private void repairIfUnclean(UncleanStop guard) {
        try {
            long took = guard.repairAndMark(dataSource);
            if (took >= 0) {
                log.warn("Store {} was not closed cleanly (the process was killed); compacted it before use in {} ms",
                        url(), took);
            }
        } catch (SQLException | java.io.IOException e) {
            log.error("Store {} was not closed cleanly and could not be compacted ({}); opening it as it is. "
                    + "Writes to rows a killed transaction left behind may block.", url(), e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        boolean shutDown = false;
        if (uncleanStop.isPresent()) {
            try {
                UncleanStop.shutdown(dataSource);
                shutDown = true;
            } catch (SQLException e) {
                log.warn("Store {} not shut down cleanly: {}", url(), e.toString());
            }
        }
        pool.close();
        if (shutDown) {
            try {
                uncleanStop.get().markClosed();
            } catch (java.io.IOException e) {
                log.warn("Store {}: the in-use mark was not removed ({}); the next start compacts once", url(), e.toString());
            }
        }
    }

    @Override
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public <T> java.util.Optional<T> adaptTo(Class<T> type) {
        if (type == Compaction.class && uncleanStop.isPresent()) {
            return java.util.Optional.of(type.cast((Compaction) this::compact));
        }
        return java.util.Optional.empty();
    }

    /**
     * Compacts the database, which H2 does by shutting it down: every pooled connection then points at a closed
     * database ("Database is already closed", SQL state 90121, which HikariCP does not count as fatal), so the pool is
     * told to drop them all (idle ones now, borrowed ones when returned) and the next caller gets a fresh one.
     */
    private synchronized long compact() throws SQLException {
        long took = UncleanStop.compact(dataSource);
        com.zaxxer.hikari.HikariPoolMXBean connections = pool.getHikariPoolMXBean();
        if (connections != null) {
            connections.softEvictConnections();
        }
        log.warn("Store {} repaired after a failed write: compacted in {} ms", url(), took);
        return took;
    }

    @Override
    public org.carehost.store.PoolUse poolUse() {
        com.zaxxer.hikari.HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        int max = pool.getMaximumPoolSize();
        return bean == null ? new org.carehost.store.PoolUse(0, 0, max, 0)
                : new org.carehost.store.PoolUse(bean.getActiveConnections(), bean.getIdleConnections(), max,
                        bean.getThreadsAwaitingConnection());
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public boolean exclusive() {
        return exclusive(url);
    }

    /**
     * An H2 file database that H2 locks against other processes (no {@code AUTO_SERVER} in any of H2's true forms —
     * {@code TRUE}, {@code 1}, {@code YES}, {@code Y}, {@code T}, any case; only a false form counts as off — and {@code FILE_LOCK} absent or the
     * default {@code FILE}), or an H2 in-memory one: only this process can open it. Anything else (another lock mode
     * such as {@code NO} or {@code SOCKET}, a server, PostgreSQL) is taken as shared.
     */
    static boolean exclusive(String url) {
        if (dialectOf(url) != Dialect.H2) {
            return false;
        }
        java.util.Map<String, String> settings = h2Settings(url);
        String autoServer = settings.get("AUTO_SERVER");
        if (autoServer != null && !java.util.Set.of("FALSE", "0", "NO", "N", "F").contains(autoServer)) {
            return false; // a true form, or one H2 refuses: not taken as exclusive
        }
        String fileLock = settings.get("FILE_LOCK");
        if (fileLock != null && !fileLock.equals("FILE")) {
            return false;
        }
        return url.startsWith("jdbc:h2:mem:") || UncleanStop.databasePath(url).isPresent();
    }

    /** The settings after an H2 URL's database name ({@code ;KEY=VALUE}), by upper-case key, upper-case values. */
    static java.util.Map<String, String> h2Settings(String url) {
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0) {
                settings.put(parts[i].substring(0, equals).strip().toUpperCase(java.util.Locale.ROOT),
                        parts[i].substring(equals + 1).strip().toUpperCase(java.util.Locale.ROOT));
            }
        }
        return settings;
    }

    @Override
    public String url() {
        return withoutPassword(url);
    }

    static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The configured URL, else the framework property (how tests and one-off runs pick a database), else H2 in data/. */
    private static String urlOf(StoreConfiguration configuration, BundleContext context) {
        return Setting.of(configuration.url(), context, URL_PROPERTY, DEFAULT_URL);
    }

    /**
     * The URL the driver is given. An H2 database in a file of this process is opened through H2's {@code retry:} file
     * system, over the same files: when an interrupt of the calling thread closes the file's channel mid-write (a
     * plugin's thread, interrupted by its quarantine while a host service it called writes), H2 opens the file again
     * and repeats the write, where the plain file system shuts the whole database down for every caller. It clears
     * that caller's interrupt. Such a database is also opened with {@code DB_CLOSE_ON_EXIT=FALSE} (unless the URL sets
     * it): H2's own JVM shutdown hook would otherwise close it at SIGTERM while the container is still stopping its
     * bundles in order, so that the outbox, the scheduler and the audit trail's copy, still running, failed with
     * "Database is already closed" (three ERROR lines at every SIGTERM), and this store's clean shutdown failed too.
     * The store closes it when it stops ({@link #deactivate}), after every bundle that uses it. Other URLs are given as
     * configured.
     */
    static String driverUrl(String url) {
        if (UncleanStop.databasePath(url).isEmpty()) {
            return url;
        }
        String rest = url.substring("jdbc:h2:".length());
        String opened = "jdbc:h2:retry:" + (rest.startsWith("file:") ? rest : "file:" + rest);
        return h2Settings(url).containsKey("DB_CLOSE_ON_EXIT") ? opened : opened + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    static Dialect dialectOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return Dialect.H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Dialect.POSTGRESQL;
        }
        throw new IllegalArgumentException("Unsupported JDBC URL '" + url
                + "': use jdbc:h2:... or jdbc:postgresql://host:port/database");
    }

    private static DataSourceFactory driverFor(List<Map.Entry<Map<String, Object>, DataSourceFactory>> drivers,
            Dialect dialect) {
        String driverClass = dialect == Dialect.H2 ? "org.h2.Driver" : "org.postgresql.Driver";
        for (Map.Entry<Map<String, Object>, DataSourceFactory> driver : drivers) {
            if (driverClass.equals(driver.getKey().get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS))) {
                return driver.getValue();
            }
        }
        throw new IllegalStateException("No JDBC driver " + driverClass + " is installed for " + dialect);
    }
}
