package org.carehost.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesGoneTest {

    @TempDir
    Path folder;

    @Test
    void aFileThatExistsIsNotGoneAndOneDeletedIs() throws Exception {
        Path file = Files.writeString(folder.resolve("org.carehost.catalog-x.cfg"), "url=file:/nowhere\n");
        String uri = file.toUri().toString();
        assertEquals(Optional.of(file), FilesGone.fileOf(uri));
        java.util.List<Path> watched = FilesGone.watched(" other ," + folder);
        assertFalse(FilesGone.gone(uri, watched));
        Files.delete(file);
        assertTrue(FilesGone.gone(uri, watched));
        assertFalse(FilesGone.gone(uri, FilesGone.watched("deploy,etc")), "a file outside the watched folders");
    }

    @Test
    void aValueThatIsNotAFileUriIsNeverGone() {
        java.util.List<Path> watched = FilesGone.watched(folder.toString());
        assertFalse(FilesGone.gone(null, watched));
        assertFalse(FilesGone.gone(42, watched));
        assertFalse(FilesGone.gone("etc/org.carehost.catalog-x.cfg", watched));
        assertFalse(FilesGone.gone("http://localhost/x.cfg", watched));
        assertFalse(FilesGone.gone("file:not a uri", watched));
        assertFalse(FilesGone.gone("file://host/share/x.cfg", watched));
    }
}
