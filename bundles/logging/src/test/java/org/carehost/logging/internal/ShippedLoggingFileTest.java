package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

/**
 * The etc/logback.xml carehost.jar lays out, as Logback reads it: what a plugin names and writes cannot pass for a
 * line of the container's own in data/log/carehost.log, nor reach a terminal as a control sequence (red team: a
 * thread named with a line break and a forged "operator admin granted plugin forge use:files" line, escape sequences
 * that set the terminal's title and cleared it, shown by log:tail).
 */
class ShippedLoggingFileTest {

    private static final Path SHIPPED = Paths.get("../launcher/src/main/resources/org/carehost/launcher/etc/logback.xml");

    @TempDir
    Path dir;

    @Test
    void aPluginsThreadLoggerAndMessageAreWrittenAsTextOnLinesOfTheirOwn() throws Exception {
        String xml = Files.readString(SHIPPED).replace("data/log/", dir.toString() + "/");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        String forged = "2026-12-06 20:00:00,000 WARN  [FelixStartLevel] o.c.s.internal.SecurityManagerImpl - granted";
        Thread thread = new Thread(() -> {
            Logger log = context.getLogger("forge\n" + forged);
            log.info("first\n" + forged + "\r\n\u001b]0;TITLE\u0007\u001b[2J\u202Eend");
            log.warn("second", new IllegalStateException("cause\n" + forged + "\u001b[31m",
                    new RuntimeException("inner\n" + forged)));
        }, "main]\n" + forged + "\u001b[31m");
        thread.start();
        thread.join();
        context.stop();

        List<String> lines = Files.readAllLines(dir.resolve("carehost.log"), StandardCharsets.UTF_8);
        String all = String.join("\n", lines) + "\n" + context.getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getLevel() > 0).toList();
        assertEquals(2, lines.stream().filter(line -> line.matches("\\d{4}-.*")).count(), all);
        assertTrue(lines.get(3).matches("\\d{4}-\\d\\d-\\d\\d .* WARN  \\[main\\]\\?2026.* - second"), all);
        assertTrue(lines.get(4).startsWith("  java.lang.IllegalStateException: cause"), all);
        assertTrue(lines.get(5).startsWith("  2026-12-06 20:00:00,000 WARN"), all);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  Caused by: java.lang.RuntimeException: inner")),
                all);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("\tat ")), "the frames are as they were: " + all);
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO  \\[main\\]\\?2026.*"),
                all);
        assertTrue(lines.get(1).startsWith("  2026-12-06 20:00:00,000 WARN"), "a message's next line is indented: "
                + lines.get(1));
        assertTrue(lines.get(2).startsWith("  "), lines.get(2));
        for (String line : lines) {
            assertFalse(line.chars().anyMatch(c -> c < 0x20 && c != '\t' || c >= 0x7F && c <= 0x9F || c == 0x202E),
                    "no control character: " + line);
        }
    }
}
