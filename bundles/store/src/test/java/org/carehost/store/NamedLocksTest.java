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
                    try (NamedLocks.Held held = locked ? locks.hold("items\nplugin") : null;
                            Connection connection = store.connection()) {
                        connection.setAutoCommit(false);
                        if (held != null) {
                            held.lockRow(connection);
                        }
                        {
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
    void aLockIsForATransaction() throws Exception {
        writeBelowLimit(true, 1);
        NamedLocks locks = new NamedLocks(store());
        try (NamedLocks.Held held = locks.hold("x"); Connection connection = store().connection()) {
            assertThrows(IllegalStateException.class, () -> held.lockRow(connection));
        }
    }

    /**
     * Callers waiting for a name hold no connection: the name is taken before a connection is borrowed, and the row is
     * made (its first use) before the caller borrows one. Eight callers of one name at once, each borrowing its
     * connection only once it holds the name, have at most one connection at a time between them.
     */
    @Test
    void callersWaitingForANameHoldNoConnection() throws Exception {
        writeBelowLimit(true, 1); // the tables
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        Store counted = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> {
                    if (!method.getName().equals("connection")) {
                        return method.getName().equals("dialect") ? Store.Dialect.H2 : null;
                    }
                    Connection real = DriverManager.getConnection(url);
                    most.accumulateAndGet(open.incrementAndGet(), Math::max);
                    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {Connection.class}, (inner, call, args) -> {
                                if (call.getName().equals("close")) {
                                    open.decrementAndGet();
                                }
                                try {
                                    return call.invoke(real, args);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
        NamedLocks locks = new NamedLocks(counted);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    try (NamedLocks.Held held = locks.hold("new name"); Connection connection = counted.connection()) {
                        connection.setAutoCommit(false);
                        held.lockRow(connection);
                        Thread.sleep(20);
                        connection.commit();
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
        assertEquals(1, most.get(), "connections open at once");
    }
}
