package org.carehost.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import org.carehost.store.Store;
import org.h2.jdbcx.JdbcDataSource;
import org.osgi.service.log.Logger;

/** The audit tests' store over an H2 data source of their own, and a logger that says nothing. */
final class H2TestStore {

    private H2TestStore() {
    }

    /** The database's store; while {@code down} says so, every connection is refused, as by a dead server. */
    static Store of(JdbcDataSource database, BooleanSupplier down) {
        return new Store() {
            @Override
            public Connection connection() throws SQLException {
                if (down.getAsBoolean()) {
                    throw new SQLException("Connection refused (the test's outage)", "08001");
                }
                return database.getConnection();
            }

            @Override
            public Dialect dialect() {
                return Dialect.H2;
            }

            @Override
            public <T> java.util.Optional<T> adaptTo(Class<T> type) {
                return java.util.Optional.empty();
            }

            @Override
            public org.carehost.store.PoolUse poolUse() {
                return new org.carehost.store.PoolUse(0, 0, 1, 0);
            }

            @Override
            public String url() {
                return database.getURL();
            }
        };
    }

    static Logger quietLogger() {
        return (Logger) java.lang.reflect.Proxy.newProxyInstance(Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, arguments) -> method.getReturnType() == boolean.class ? false : null);
    }
}
