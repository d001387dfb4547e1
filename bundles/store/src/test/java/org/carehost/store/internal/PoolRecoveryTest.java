package org.carehost.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 database closed under the pool (a full disk closes it; here a shutdown does) is opened again by the next
 * connection: the pool evicts the connections that answer "closed" instead of lending them on (tryout 14: the store
 * failed every call until a restart, the disk long freed).
 */
class PoolRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aClosedDatabaseIsOpenedAgainByTheNextConnection() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
        try (HikariDataSource pool = Pools.hikari(h2, 2, 0)) {
            Connection first = pool.getConnection();
            try (Statement statement = first.createStatement()) {
                statement.execute("CREATE TABLE kept (id INT)");
                statement.execute("INSERT INTO kept VALUES (7)");
                statement.execute("SHUTDOWN");
            }
            try {
                first.close();
            } catch (SQLException alreadyClosed) {
                // H2 answers its session is closed
            }
            // the connections made before are dead: one that answers so is dropped, and a new one takes its place
            int value = -1;
            for (int attempt = 0; attempt < 3 && value < 0; attempt++) { // at most the pool's two dead ones, then a new one
                try {
                    value = selectKept(pool);
                } catch (SQLException stillDead) {
                    // another connection lent before the shutdown, dropped in turn
                }
            }
            assertEquals(7, value, "a new connection opened the database again, its rows intact");
        }
    }

    private static int selectKept(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM kept")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
