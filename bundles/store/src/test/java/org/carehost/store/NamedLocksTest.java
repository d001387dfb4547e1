package org.carehost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A check and the write it guards are one step under a {@link NamedLocks} lock: a limit of 3 rows checked by 16
 * writers at once, each through a lock of its own (as on 16 nodes sharing the database: only the row lock serialises
 * them), holds; without the lock it does not.
 */
class NamedLocksTest {

    private final String url = "jdbc:h2:mem:locks" + System.nanoTime() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000";

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

    private int writeBelowLimit(boolean locked, int writers) throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS store_locks (name VARCHAR(400) NOT NULL PRIMARY KEY)");
            sql.execute("CREATE TABLE IF NOT EXISTS item (id INT PRIMARY KEY, owner VARCHAR(20))");
            sql.execute("DELETE FROM item");
        }
        Store store = store();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int id = i;
                NamedLocks locks = new NamedLocks(store); // one per writer: as many nodes, no lock in common here
                done.add(pool.submit(() -> {
                    go.await();
                    try (Connection connection = store.connection()) {
                        connection.setAutoCommit(false);
                        NamedLocks.Held held = locked ? locks.lock(connection, "items\nplugin") : () -> { };
                        try (held) {
                            long count;
                            try (PreparedStatement select = connection.prepareStatement(
                                    "SELECT COUNT(*) FROM item WHERE owner = 'plugin'"); ResultSet row = select.executeQuery()) {
                                row.next();
                                count = row.getLong(1);
                            }
                            Thread.sleep(5); // the check and the write apart, as a real one's work keeps them
                            if (count < 3) {
                                try (PreparedStatement insert = connection.prepareStatement(
                                        "INSERT INTO item (id, owner) VALUES (?, 'plugin')")) {
                                    insert.setInt(1, id);
                                    insert.executeUpdate();
                                }
                            }
                            connection.commit();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> each : done) {
                each.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT COUNT(*) FROM item")) {
            row.next();
            return row.getInt(1);
        }
    }

    @Test
    void aLimitCheckedUnderTheLockHoldsForWritersAtOnce() throws Exception {
        assertEquals(3, writeBelowLimit(true, 16));
    }

    @Test
    void withoutItTheLimitIsPassed() throws Exception {
        int written = writeBelowLimit(false, 16);
        org.junit.jupiter.api.Assumptions.assumeTrue(written > 3, "the writers happened not to overlap this time");
    }

    @Test
    void aLockIsForATransaction() throws Exception {
        try (Connection connection = store().connection()) {
            assertThrows(IllegalStateException.class, () -> new NamedLocks(store()).lock(connection, "x"));
        }
    }
}
