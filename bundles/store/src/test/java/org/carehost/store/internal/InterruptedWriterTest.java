package org.carehost.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller whose thread is interrupted while it writes does not shut the H2 database down for everyone. */
class InterruptedWriterTest {

    @TempDir
    Path folder;

    @Test
    void theDriverUrlOfAFileDatabaseGoesThroughTheRetryFileSystemOnly() {
        // and is left open at the JVM's exit (H2's shutdown hook would close it under the container's ordered stop)
        assertEquals("jdbc:h2:retry:file:./data/db/carehost;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                StoreImpl.driverUrl("jdbc:h2:file:./data/db/carehost;WRITE_DELAY=0"));
        assertEquals("jdbc:h2:retry:file:./db;DB_CLOSE_ON_EXIT=FALSE", StoreImpl.driverUrl("jdbc:h2:./db"));
        assertEquals("jdbc:h2:retry:file:./db;db_close_on_exit=true",
                StoreImpl.driverUrl("jdbc:h2:./db;db_close_on_exit=true"), "as the URL says when it says");
        assertEquals("jdbc:h2:mem:x", StoreImpl.driverUrl("jdbc:h2:mem:x"));
        assertEquals("jdbc:h2:tcp://localhost/x", StoreImpl.driverUrl("jdbc:h2:tcp://localhost/x"));
        assertEquals("jdbc:postgresql://localhost/x", StoreImpl.driverUrl("jdbc:postgresql://localhost/x"));
    }

    @Test
    void writesOnAnInterruptedThreadLeaveTheDatabaseOpenAndTheirRowsStored() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(StoreImpl.driverUrl("jdbc:h2:file:" + folder.resolve("db") + ";WRITE_DELAY=0"));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200))");
            Thread.currentThread().interrupt();
            try {
                for (int i = 0; i < 50; i++) {
                    statement.execute("INSERT INTO t VALUES (" + i + ", '" + "x".repeat(150) + "')");
                }
            } finally {
                Thread.interrupted();
            }
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            count.next();
            assertEquals(50, count.getInt(1), "every row written while interrupted is stored and the database is open");
        }
    }
}
