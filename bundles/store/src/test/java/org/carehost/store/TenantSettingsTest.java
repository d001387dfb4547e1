package org.carehost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tenant setting set, set again in place, cleared, and refused for a tenant that does not exist; on H2. */
class TenantSettingsTest {

    private final String url = "jdbc:h2:mem:settings" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

    @AfterEach
    void drop() throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("SHUTDOWN");
        }
    }

    @Test
    void aSettingIsSetReplacedAndCleared() throws Exception {
        tables();
        Store store = store();
        assertEquals(Optional.empty(), TenantSettings.get(store, "north", "time-zone"));
        TenantSettings.set(store, "north", "time-zone", "Europe/Paris");
        TenantSettings.set(store, "south", "time-zone", "UTC");
        TenantSettings.set(store, "north", "time-zone", "America/Chicago");
        assertEquals(Optional.of("America/Chicago"), TenantSettings.get(store, "north", "time-zone"), "replaced");
        assertEquals(Optional.of("UTC"), TenantSettings.get(store, "south", "time-zone"), "per tenant");
        TenantSettings.set(store, "north", "time-zone", null);
        assertEquals(Optional.empty(), TenantSettings.get(store, "north", "time-zone"), "cleared");
        TenantSettings.set(store, "north", "time-zone", null); // clearing nothing is fine
        assertThrows(SQLException.class, () -> TenantSettings.set(store, "west", "time-zone", "UTC"));
        assertEquals(Optional.empty(), TenantSettings.get(store, "west", "time-zone"));
    }

    @Test
    void settingsSetAtOnceFromManyThreadsAllSucceedTheLastWinning() throws Exception {
        tables();
        Store store = store();
        int threads = 4;
        int names = 300;
        CyclicBarrier together = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> setters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String value = "v" + t;
                setters.add(pool.submit(() -> {
                    for (int n = 0; n < names; n++) {
                        together.await(10, TimeUnit.SECONDS); // each name first set by every thread at once
                        TenantSettings.set(store, "north", "name-" + n, value);
                    }
                    return null;
                }));
            }
            for (Future<?> setter : setters) {
                setter.get(60, TimeUnit.SECONDS); // a duplicate-key failure of the insert race would be thrown here
            }
        } finally {
            pool.shutdownNow();
        }
        for (int n = 0; n < names; n++) {
            assertTrue(TenantSettings.get(store, "north", "name-" + n).orElseThrow().matches("v[0-3]"));
        }
    }

    /** The two tables, with the tenants north and south. */
    private void tables() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE tenant (id VARCHAR(64) PRIMARY KEY)");
            sql.execute("CREATE TABLE tenant_setting (tenant VARCHAR(64) NOT NULL REFERENCES tenant (id), "
                    + "name VARCHAR(100) NOT NULL, setting VARCHAR(500) NOT NULL, PRIMARY KEY (tenant, name))");
            sql.execute("INSERT INTO tenant (id) VALUES ('north'), ('south')");
        }
    }

    private Store store() {
        return (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "connection" -> DriverManager.getConnection(url);
                    case "dialect" -> Store.Dialect.H2;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }
}
