package org.carehost.store.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * A small bounded pool: at most {@code size} physical connections, handed out as proxies whose
 * {@code close()} returns the connection (rolled back and back in auto-commit) instead of closing it.
 * A connection that failed is closed rather than reused.
 */
final class ConnectionPool implements AutoCloseable {

    private static final long BORROW_TIMEOUT_SECONDS = 30;

    private final DataSource dataSource;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;
    private volatile boolean closed;

    ConnectionPool(DataSource dataSource, int size) {
        this.dataSource = dataSource;
        this.idle = new ArrayBlockingQueue<>(size);
        this.permits = new Semaphore(size, true);
    }

    Connection borrow() throws SQLException {
        if (closed) {
            throw new SQLException("The store is stopped");
        }
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("No database connection free within " + BORROW_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a database connection", e);
        }
        try {
            Connection physical = idle.poll();
            if (physical == null || physical.isClosed()) {
                physical = dataSource.getConnection();
            }
            physical.setAutoCommit(true);
            return lease(physical);
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection lease(Connection physical) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;
            private boolean broken;

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                String name = method.getName();
                if ("close".equals(name)) {
                    if (!returned) {
                        returned = true;
                        giveBack(physical, broken);
                    }
                    return null;
                }
                if ("isClosed".equals(name)) {
                    return returned || physical.isClosed();
                }
                if (returned) {
                    throw new SQLException("Connection already returned to the pool");
                }
                try {
                    return method.invoke(physical, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof SQLException sql && isConnectionFailure(sql)) {
                        broken = true;
                    }
                    throw e.getCause();
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    private void giveBack(Connection physical, boolean broken) {
        try {
            if (broken || closed) {
                physical.close();
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            if (!idle.offer(physical)) {
                physical.close();
            }
        } catch (SQLException e) {
            try {
                physical.close();
            } catch (SQLException ignored) {
                // it is being discarded anyway
            }
        } finally {
            permits.release();
        }
    }

    /** SQLState class 08 is "connection exception". */
    private static boolean isConnectionFailure(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    @Override
    public void close() {
        closed = true;
        Connection connection;
        while ((connection = idle.poll()) != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
