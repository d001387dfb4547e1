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
                stored.save("u1", List.of(lib, plugin), List.of("upload:aa", "upload:bb"), "op1", NOW));
        // a second upload sharing the library keeps it under the first upload
        assertEquals(Map.of("upload:aa", "u1", "upload:cc", "u2"),
                stored.save("u2", List.of(lib, jar("other", "cc")), List.of("upload:aa", "upload:cc"), "op1", NOW));
        assertTrue(stored.forget("upload:bb", "u1", NOW));
        assertEquals(Set.of(new UploadStore.Removal("upload:bb", "u1")), stored.removed());
        assertEquals(2, stored.count());

        // the same jar uploaded again is another upload: its tombstone is another
        assertEquals(Map.of("upload:bb", "u3"), stored.save("u3", List.of(plugin), List.of("upload:bb"), "op1", NOW));
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

    private UploadArchive.Jar jar(String name, String sha) throws Exception {
        Path file = Files.write(folder.resolve(name + ".jar"), name.getBytes(StandardCharsets.UTF_8));
        return new UploadArchive.Jar(file, name + ".jar", "org.example." + name, "1.0.0", name.equals("plugin"), sha,
                Files.size(file));
    }
}
