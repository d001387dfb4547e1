package org.carehost.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;

import org.carehost.store.Store.Dialect;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void everyScriptIsAppliedOnceAndInOrder() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:migrations-" + System.nanoTime())) {
            List<Migrations.Script> scripts = Migrations.scripts();
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23), Migrations.migrate(connection, Dialect.H2));
            assertEquals(scripts.size(), Migrations.currentVersion(connection));
            assertEquals(List.of(), Migrations.migrate(connection, Dialect.H2), "a second run applies nothing");
            try (var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM appointment")) {
                rows.next();
                assertEquals(0, rows.getInt(1));
            }
        }
    }

    @Test
    void aShippedScriptThatDiffersFromTheAppliedOneStopsTheMigrationWithItsName() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:migrations-" + System.nanoTime())) {
            Migrations.migrate(connection, Dialect.H2);
            String shipped = Migrations.checksum(Migrations.read("migration/V3__audit.sql"));
            try (var rows = connection.createStatement().executeQuery(
                    "SELECT checksum FROM carehost_schema_version WHERE version = 3")) {
                rows.next();
                assertEquals(shipped, rows.getString(1), "each applied script's checksum is recorded");
            }
            // What the database holds when V3 was applied from a script other than the shipped one.
            connection.createStatement().executeUpdate("UPDATE carehost_schema_version SET checksum = '"
                    + "0".repeat(64) + "' WHERE version = 3");
            Migrations.ChangedMigrationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    Migrations.ChangedMigrationException.class, () -> Migrations.migrate(connection, Dialect.H2));
            org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("Schema migration 3 (migration/V3__audit.sql)")
                    && refused.getMessage().contains("must never be edited"), refused.getMessage());
        }
    }

    @Test
    void scriptsAppliedBeforeChecksumsExistedGetThemRecordedAndAreThenChecked() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:migrations-" + System.nanoTime())) {
            Migrations.migrate(connection, Dialect.H2);
            connection.createStatement().executeUpdate("UPDATE carehost_schema_version SET checksum = NULL");
            assertEquals(List.of(), Migrations.migrate(connection, Dialect.H2));
            try (var rows = connection.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM carehost_schema_version WHERE checksum IS NULL")) {
                rows.next();
                assertEquals(0, rows.getInt(1));
            }
        }
    }

    @Test
    void statementsSplitAtLineEndSemicolonsAndSkipComments() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)"),
                Migrations.statements("-- a comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n"));
    }

    @Test
    void onlyH2AndPostgresqlUrlsAreAccepted() {
        assertEquals(Dialect.H2, StoreImpl.dialectOf("jdbc:h2:mem:x"));
        assertEquals(Dialect.POSTGRESQL, StoreImpl.dialectOf("jdbc:postgresql://127.0.0.1/carehost"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StoreImpl.dialectOf("jdbc:mysql://x"));
    }
}
