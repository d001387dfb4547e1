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
        assertFalse(FilesGone.gone(uri));
        Files.delete(file);
        assertTrue(FilesGone.gone(uri));
    }

    @Test
    void aValueThatIsNotAFileUriIsNeverGone() {
        assertFalse(FilesGone.gone(null));
        assertFalse(FilesGone.gone(42));
        assertFalse(FilesGone.gone("etc/org.carehost.catalog-x.cfg"));
        assertFalse(FilesGone.gone("http://localhost/x.cfg"));
        assertFalse(FilesGone.gone("file:not a uri"));
        assertFalse(FilesGone.gone("file://host/share/x.cfg"));
    }
}
