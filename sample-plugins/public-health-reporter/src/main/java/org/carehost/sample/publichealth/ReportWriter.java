package org.carehost.sample.publichealth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends report lines to the day's file in one directory. */
final class ReportWriter {

    private final Path directory;

    ReportWriter(Path directory) {
        this.directory = directory;
    }

    /**
     * Appends the line and returns the file. Synchronized because Event Admin may call a handler from
     * several threads, and two appends interleaving would corrupt a line.
     */
    synchronized Path append(ReportLine line) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(line.fileName());
        Files.writeString(file, line.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return file;
    }
}
