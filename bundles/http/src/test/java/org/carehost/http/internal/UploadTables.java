package org.carehost.http.internal;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.carehost.store.PoolUse;
import org.carehost.store.Store;
import org.h2.jdbcx.JdbcDataSource;

/** An H2 store in memory with the store's own V14 and V19 scripts (the upload tables), open while the test runs. */
final class UploadTables implements AutoCloseable {

    private final JdbcDataSource database = new JdbcDataSource();
    private final Connection keepAlive;

    UploadTables() throws Exception {
        database.setURL("jdbc:h2:mem:uploads-" + System.nanoTime());
        keepAlive = database.getConnection();
        for (String script : new String[] {"V14__plugin_uploads.sql", "V19__plugin_upload_removed.sql"}) {
            try (InputStream in = Store.class.getResourceAsStream("/org/carehost/store/internal/migration/" + script);
                    Statement statement = keepAlive.createStatement()) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
                for (String one : sql.split(";")) {
                    if (!one.isBlank()) {
                        statement.execute(one);
                    }
                }
            }
        }
    }

    /** Runs a statement; its update count. */
    int execute(String sql) throws SQLException {
        try (Statement statement = keepAlive.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    Store store() {
        return new Store() {
            @Override
            public Connection connection() throws SQLException {
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
            public PoolUse poolUse() {
                return new PoolUse(0, 0, 1, 0);
            }

            @Override
            public String url() {
                return database.getURL();
            }
        };
    }

    @Override
    public void close() throws SQLException {
        keepAlive.close();
    }
}
