package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept jars and their tombstones on H2 with the store's own V14 and V19 scripts. */
class UploadStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private UploadTables tables;
    private UploadStore stored;
    @TempDir
    Path folder;

    @BeforeEach
    void schema() throws Exception {
        tables = new UploadTables();
        stored = new UploadStore(tables.store());
    }

    @AfterEach
    void close() throws SQLException {
        tables.close();
    }

    @Test
    void anUninstallDeletesTheRowAndLeavesATombstoneOfThatUploadOnly() throws Exception {
        UploadArchive.Jar lib = jar("lib", "aa");
        UploadArchive.Jar plugin = jar("plugin", "bb");
        assertEquals(Map.of("upload:aa", "u1", "upload:bb", "u1"),
                stored.save("u1", List.of(lib, plugin), List.of("upload:aa", "upload:bb"), Set.of("upload:aa", "upload:bb"), "op1", NOW));
        // a second upload sharing the library keeps it under the first upload
        assertEquals(Map.of("upload:aa", "u1", "upload:cc", "u2"),
                stored.save("u2", List.of(lib, jar("other", "cc")), List.of("upload:aa", "upload:cc"), Set.of("upload:cc"), "op1", NOW));
        assertTrue(stored.forget("upload:bb", "u1", NOW));
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1")), stored.removed());
        assertEquals(2, stored.count());

        // the same jar uploaded again is another upload: its tombstone is another
        assertEquals(Map.of("upload:bb", "u3"), stored.save("u3", List.of(plugin), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW));
        assertTrue(stored.forget("upload:bb", "u3", NOW));
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1"), new UploadStore.Removal("upload:bb", "u3")),
                stored.removed());
    }

    @Test
    void anUninstallOfAJarTheStoreLostRecordsTheUploadHeldAndTwiceIsOnce() throws Exception {
        assertFalse(stored.forget("upload:dd", "u9", NOW), "no row was kept");
        assertFalse(stored.forget("upload:dd", "u9", NOW));
        assertEquals(Set.of(new UploadStore.Removal("upload:dd", "u9")), stored.removed());
        assertFalse(stored.forget("upload:ee", null, NOW));
        assertEquals(1, stored.removed().size(), "nothing known, nothing recorded");
    }

    @Test
    void anUninstallOfABundleNeverRecordedWritesNothingEvenWithARowThere() throws Exception {
        // the row is another node's upload (or a rollback's jar): not known to be this bundle's
        stored.save("uB", List.of(jar("plugin", "bb")), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW);
        assertFalse(stored.forget("upload:bb", null, NOW));
        assertEquals(1, stored.count());
        assertEquals(Set.of(), stored.removed());
    }

    @Test
    void aJarInstalledAgainIsKeptUnderTheNewUploadAndTheRemovalOfTheEarlierOneLeavesIt() throws Exception {
        UploadArchive.Jar plugin = jar("plugin", "bb");
        stored.save("u1", List.of(plugin), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW);
        // uninstalled here (its removal not yet written) and uploaded again: installed by this request, a new upload
        assertEquals(Map.of("upload:bb", "u2"),
                stored.save("u2", List.of(plugin), List.of("upload:bb"), Set.of("upload:bb"), "op2", NOW));
        assertEquals("u2", stored.all().get("u2").get(0).uploadId());
        assertEquals("op2", stored.all().get("u2").get(0).uploadedBy());
        // the removal of the uninstalled bundle's upload, written now, leaves the new one's row
        assertFalse(stored.forget("upload:bb", "u1", NOW));
        assertEquals(1, stored.count());
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1")), stored.removed());
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1")), stored.view(Set.of()).removed());
        assertEquals(Set.of("u2"), stored.view(Set.of()).uploads().keySet());
    }

    @Test
    void aLookReadsTheTombstonesOfLocationsKeptOrHeldOnly() throws Exception {
        stored.save("u1", List.of(jar("plugin", "bb")), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW);
        stored.forget("upload:aa", "u0", NOW); // kept nowhere now, held here
        stored.forget("upload:bb", "u0", NOW); // an earlier upload of a jar kept now
        stored.forget("upload:cc", "u0", NOW); // neither: an old uninstall no look here needs
        assertEquals(3, stored.removed().size());
        assertEquals(Set.of(new UploadStore.Removal("upload:aa", "u0"), new UploadStore.Removal("upload:bb", "u0")),
                stored.view(Set.of("upload:aa")).removed());
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u0")), stored.view(Set.of()).removed());
    }

    @Test
    void aTombstoneWrittenByAnotherNodeAtTheSameMomentLeavesTheRowDeletion() throws Exception {
        stored.save("u1", List.of(jar("plugin", "bb")), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW);
        try (java.sql.Connection other = tables.store().connection()) {
            other.setAutoCommit(false);
            try (java.sql.Statement statement = other.createStatement()) {
                statement.executeUpdate("INSERT INTO plugin_upload_removed VALUES ('upload:bb', 'u1', "
                        + "TIMESTAMP WITH TIME ZONE '" + NOW + "')");
            }
            java.util.concurrent.CompletableFuture<Boolean> forgot = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return stored.forget("upload:bb", "u1", NOW);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            // the other node's tombstone is not committed yet: forget's insert of the same waits for it
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (tables.running("INSERT INTO plugin_upload_removed") == 0 && !forgot.isDone()) {
                assertTrue(System.nanoTime() < deadline, "forget never waited for the other tombstone");
                Thread.onSpinWait();
            }
            other.commit();
            assertTrue(forgot.get(30, java.util.concurrent.TimeUnit.SECONDS), "the row is deleted all the same");
        }
        assertEquals(0, stored.count());
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1")), stored.removed());
    }

    @Test
    void aJarUploadedAgainWhileTheEarlierRowIsDeletedIsKeptAsARowOfItsOwn() throws Exception {
        stored.save("u1", List.of(jar("plugin", "bb")), List.of("upload:bb"), Set.of("upload:bb"), "op1", NOW);
        try (java.sql.Connection removal = tables.store().connection()) {
            // the uninstall's removal of u1 (on the worker) has deleted the row and not committed yet
            removal.setAutoCommit(false);
            try (java.sql.Statement statement = removal.createStatement()) {
                statement.executeUpdate("DELETE FROM plugin_upload WHERE location = 'upload:bb'");
            }
            java.util.concurrent.CompletableFuture<java.util.Map<String, String>> saved =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return stored.save("u2", List.of(jar("plugin", "bb")), List.of("upload:bb"),
                                    Set.of("upload:bb"), "op2", NOW);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            // the new upload read u1's row (committed) and its update waits for the deletion's lock
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (tables.running("UPDATE plugin_upload") == 0 && !saved.isDone()) {
                assertTrue(System.nanoTime() < deadline, "the new upload's update never waited for the deletion");
                Thread.onSpinWait();
            }
            removal.commit();
            assertEquals(java.util.Map.of("upload:bb", "u2"), saved.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(1, stored.count(), "the new upload is kept: its update found no row, so it was inserted");
    }

    private UploadArchive.Jar jar(String name, String sha) throws Exception {
        Path file = Files.write(folder.resolve(name + ".jar"), name.getBytes(StandardCharsets.UTF_8));
        return new UploadArchive.Jar(file, name + ".jar", "org.example." + name, "1.0.0", name.equals("plugin"), sha,
                Files.size(file));
    }
}
