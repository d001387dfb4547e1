package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogAdminImplTest {

    @TempDir
    Path dir;

    @Test
    void lastLinesReadsTheEndOfAFileLargerThanOneBlock() throws Exception {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            all.add("line " + i + " é");
        }
        Path file = dir.resolve("carehost.log");
        Files.write(file, all, StandardCharsets.UTF_8);
        assertEquals(all.subList(4997, 5000), LogAdminImpl.lastLines(file, 3));
        assertEquals(List.of("line 4999 é"), LogAdminImpl.lastLines(file, 1));
        assertEquals(all, LogAdminImpl.lastLines(file, 10_000), "fewer lines than asked: all of them");
    }

    @Test
    void lastLinesAreTextATerminalNeverActsOn() throws Exception {
        Path file = dir.resolve("raw.log");
        Files.writeString(file, "[\u001b]0;TITLE\u0007\u001b[2J] tab\there \u202Eend\r\n", StandardCharsets.UTF_8);
        assertEquals(List.of("[?]0;TITLE??[2J] tab\there ?end"), LogAdminImpl.lastLines(file, 1));
    }

    @Test
    void lastLinesOfAFileWithoutAFinalNewlineOrEmpty() throws Exception {
        Path file = dir.resolve("a.log");
        Files.writeString(file, "one\r\ntwo\r\nthree");
        assertEquals(List.of("two", "three"), LogAdminImpl.lastLines(file, 2));
        Files.writeString(file, "");
        assertEquals(List.of(), LogAdminImpl.lastLines(file, 5));
    }

    @Test
    void levelEntriesAreParsedAndBadOnesNamed() {
        assertEquals(Map.of("ROOT", "WARN", "org.carehost.plugins", "DEBUG"),
                RuntimeLevels.parse(List.of("ROOT=warn", " org.carehost.plugins = DEBUG ")));
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> RuntimeLevels.parse(List.of("org.x=LOUD")));
        assertTrue(level.getMessage().contains("'LOUD' is not a level"), level.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> RuntimeLevels.parse(List.of("../etc=DEBUG")));
        assertTrue(name.getMessage().contains("is not a logger name"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RuntimeLevels.parse(List.of("no-equals")));
    }

    @Test
    void entriesComeFromArraysCollectionsOrACommaList() {
        assertEquals(List.of("a=INFO", "b=WARN"), LogAdminImpl.entries(new String[] {"a=INFO", "b=WARN"}));
        assertEquals(List.of("a=INFO", "b=WARN"), LogAdminImpl.entries(List.of("a=INFO", "b=WARN")));
        assertEquals(List.of("a=INFO", "b=WARN"), LogAdminImpl.entries("a=INFO, b=WARN"));
        assertEquals(List.of(), LogAdminImpl.entries(null));
    }

    @Test
    void aLevelTakenBackIsGivenBackAtOnceAsTheFileHadIt() throws Exception {
        ch.qos.logback.classic.LoggerContext logback = new ch.qos.logback.classic.LoggerContext();
        logback.getLogger("org.file").setLevel(ch.qos.logback.classic.Level.WARN); // as etc/logback.xml would
        RuntimeLevels levels = new RuntimeLevels(logback);
        levels.apply(Map.of("org.jline", "DEBUG", "org.file", "TRACE"));
        // Config Admin's delivery of the same values, as after each log:level: applied again
        levels.updated(new java.util.Hashtable<>(Map.of(org.carehost.logging.LogAdmin.LEVELS,
                new String[] {"org.jline=DEBUG", "org.file=TRACE"})));
        assertEquals(ch.qos.logback.classic.Level.DEBUG, logback.getLogger("org.jline").getLevel());
        levels.apply(Map.of()); // both INHERIT: the one with no level of its own inherits again, the other is the file's
        assertEquals(null, logback.getLogger("org.jline").getLevel());
        assertEquals(ch.qos.logback.classic.Level.WARN, logback.getLogger("org.file").getLevel());
        levels.close();
    }
}
