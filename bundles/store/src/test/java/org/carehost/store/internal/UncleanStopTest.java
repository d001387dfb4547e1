package org.carehost.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncleanStopTest {

    @TempDir
    Path folder;

    @Test
    void onlyH2FileUrlsHaveADatabaseToRepair() {
        assertEquals(Optional.of("./data/db/carehost"), UncleanStop.databasePath(StoreImpl.DEFAULT_URL));
        assertEquals(Optional.of("/srv/db/x"), UncleanStop.databasePath("jdbc:h2:/srv/db/x;MODE=PostgreSQL"));
        assertEquals(Optional.of(System.getProperty("user.home") + "/db"), UncleanStop.databasePath("jdbc:h2:~/db"));
        assertEquals(Optional.empty(), UncleanStop.databasePath("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertEquals(Optional.empty(), UncleanStop.databasePath("jdbc:h2:tcp://127.0.0.1/~/x"));
        assertEquals(Optional.empty(), UncleanStop.databasePath("jdbc:postgresql://127.0.0.1/carehost"));
        assertEquals(Optional.empty(), UncleanStop.databasePath("jdbc:h2:file:"));
    }

    @Test
    void onlyAnH2FileOrMemoryDatabaseWithoutAutoServerIsThisProcesssAlone() {
        assertTrue(StoreImpl.exclusive(StoreImpl.DEFAULT_URL));
        assertTrue(StoreImpl.exclusive("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertFalse(StoreImpl.exclusive("jdbc:h2:file:./db;auto_server=true"));
        assertFalse(StoreImpl.exclusive("jdbc:h2:tcp://127.0.0.1/~/x"));
        for (String on : new String[] {"TRUE", "1", "yes", "Y", "t", " True "}) {
            assertFalse(StoreImpl.exclusive("jdbc:h2:file:./db;AUTO_SERVER=" + on), on);
        }
        assertTrue(StoreImpl.exclusive("jdbc:h2:file:./db;Auto_Server=false;DB_CLOSE_DELAY=-1"));
        assertTrue(StoreImpl.exclusive("jdbc:h2:file:./db;AUTO_SERVER=0"));
        assertFalse(StoreImpl.exclusive("jdbc:h2:file:./db;FILE_LOCK=NO"), "another process may open the file");
        assertFalse(StoreImpl.exclusive("jdbc:h2:file:./db;file_lock=socket"));
        assertTrue(StoreImpl.exclusive("jdbc:h2:file:./db;FILE_LOCK=file"), "the default lock");
        assertFalse(StoreImpl.exclusive("jdbc:postgresql://127.0.0.1/carehost"));
    }

    @Test
    void aCleanStopNeedsNoRepairAndAMarkLeftBehindGetsOne() throws Exception {
        String path = folder.resolve("db/carehost").toString();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + path);
        UncleanStop guard = UncleanStop.forUrl("jdbc:h2:file:" + path + ";WRITE_DELAY=0").orElseThrow();

        assertEquals(-1, guard.repairAndMark(dataSource), "a first start is not a repair");
        assertTrue(guard.wasUnclean(), "open: marked in use");
        fillAndEmpty(dataSource);
        UncleanStop.shutdown(dataSource);
        long before = Files.size(Path.of(path + ".mv.db"));
        guard.markClosed();
        assertFalse(guard.wasUnclean());
        assertEquals(-1, guard.repairAndMark(dataSource), "after a clean stop nothing is compacted");

        // The process is killed: the mark stays. The next start compacts, which shrinks the file.
        UncleanStop.shutdown(dataSource);
        assertTrue(guard.wasUnclean());
        assertTrue(guard.repairAndMark(dataSource) >= 0, "after an unclean stop the database is compacted");
        long after = Files.size(Path.of(path + ".mv.db"));
        assertTrue(after < before, "compacted: " + after + " bytes, was " + before);
        assertTrue(guard.wasUnclean(), "open again: marked in use");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet kept = statement.executeQuery("SELECT COUNT(*) FROM t")) {
            kept.next();
            assertEquals(1, kept.getInt(1), "the row that was kept is still there");
        }
    }

    private static void fillAndEmpty(JdbcDataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(1000))");
            statement.execute("INSERT INTO t SELECT x, REPEAT('x', 1000) FROM SYSTEM_RANGE(1, 20000)");
            statement.execute("DELETE FROM t WHERE id > 1");
        }
    }
}
