package org.carehost.sample.registryadapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.carehost.sdk.plugin.AdapterMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAdapterTest {

    @TempDir
    Path folder;

    private long files() throws IOException {
        try (Stream<Path> listed = Files.list(folder.resolve("out"))) {
            return listed.count();
        }
    }

    @Test
    void eachSendIsOneWholeFileAndARepeatIsNotWrittenTwice() throws Exception {
        RegistryAdapter adapter = new RegistryAdapter("registry", folder.resolve("out"));
        assertTrue(adapter.available());
        AdapterMessage message = new AdapterMessage("4f1c2d3e-0000-4000-8000-000000000001", "Patient", "p1",
                "{\"resourceType\":\"Patient\",\"id\":\"p1\"}");
        assertEquals("4f1c2d3e-0000-4000-8000-000000000001.json", adapter.send(message));
        assertEquals(message.fhirJson(), Files.readString(folder.resolve("out").resolve(adapter.send(message))));
        assertEquals(1, files(), "a repeated send finds its file; no temporary file is left");
    }

    @Test
    void aSendIdThatCannotNameAFileIsRefused() {
        RegistryAdapter adapter = new RegistryAdapter("registry", folder.resolve("out"));
        assertThrows(IOException.class, () -> adapter.send(new AdapterMessage("../escape", "Patient", "p1", "{}")));
    }
}
