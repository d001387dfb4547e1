package org.carehost.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the artifact folder keeps: each installed plugin's running jar and the jar of the version that ran before. */
class ArtifactsTest {

    @TempDir
    Path dir;

    private Path jar(String name, long ranAt) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.fromMillis(ranAt));
        return file;
    }

    private Set<String> left() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void keepsTheRunningAndThePreviousVersionOnly() throws Exception {
        Artifacts artifacts = new Artifacts(dir.toString(), Clock.fixed(Instant.ofEpochSecond(5_000), ZoneOffset.UTC));
        jar("org.example.a-1.0.0-0123456789abcdef.jar", 1_000);
        jar("org.example.a-2.0.0-1123456789abcdef.jar", 2_000);
        jar("org.example.a-3.0.0-2123456789abcdef.jar", 3_000);
        jar("org.example.a-4.0.0-3123456789abcdef.jar", 0); // a failed update: downloaded, never ran
        jar("org.example.a-b-1.0.0-4123456789abcdef.jar", 1_000); // another bundle whose name starts the same
        jar("org.example.gone-1.0.0-5123456789abcdef.jar", 1_000); // uninstalled
        Files.writeString(dir.resolve("notes.txt"), "not a kept jar");

        assertEquals(4, artifacts.prune(List.of(new Artifacts.Installed("org.example.a", "3.0.0"))));
        assertEquals(Set.of("org.example.a-2.0.0-1123456789abcdef.jar", "org.example.a-3.0.0-2123456789abcdef.jar",
                "notes.txt"), left());
    }

    @Test
    void aDowngradeKeepsTheVersionItCameFromAsThePreviousOne() throws Exception {
        Artifacts artifacts = new Artifacts(dir.toString(), Clock.fixed(Instant.ofEpochSecond(5_000), ZoneOffset.UTC));
        jar("org.example.a-1.0.0-0123456789abcdef.jar", 1_000);
        jar("org.example.a-2.0.0-1123456789abcdef.jar", 2_000);
        Path one = jar("org.example.a-0.9.0-2123456789abcdef.jar", 500);
        artifacts.running(one); // 2.0.0 -> 0.9.0
        assertEquals(one, artifacts.runningJar("org.example.a", "0.9.0"));
        artifacts.prune(List.of(new Artifacts.Installed("org.example.a", "0.9.0")));
        assertEquals(Set.of("org.example.a-0.9.0-2123456789abcdef.jar", "org.example.a-2.0.0-1123456789abcdef.jar"),
                left());
    }
}
