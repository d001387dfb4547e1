package org.carehost.logging.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.carehost.logging.LogAdmin;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;

/** {@link LogAdmin} over Logback and Config Admin. */
final class LogAdminImpl implements LogAdmin {

    /** The most lines {@link #tail} returns, so that a mistyped count cannot fill the heap. */
    static final int MAX_LINES = 10_000;
    private static final String DEFAULT_FILE = "data/log/carehost.log";

    private final LoggerContext logback;
    private final RuntimeLevels runtime;
    private final Supplier<ConfigurationAdmin> configAdmin;

    LogAdminImpl(LoggerContext logback, RuntimeLevels runtime, Supplier<ConfigurationAdmin> configAdmin) {
        this.logback = logback;
        this.runtime = runtime;
        this.configAdmin = configAdmin;
    }

    @Override
    public String logFile() {
        for (Iterator<Appender<ILoggingEvent>> it = logback.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
                it.hasNext();) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof FileAppender && ((FileAppender<?>) appender).getFile() != null) {
                return ((FileAppender<?>) appender).getFile();
            }
        }
        return DEFAULT_FILE;
    }

    @Override
    public List<String> tail(int lines) throws IOException {
        if (lines < 1 || lines > MAX_LINES) {
            throw new IllegalArgumentException("the number of lines must be between 1 and " + MAX_LINES + ", not " + lines);
        }
        Path file = Paths.get(logFile());
        if (!Files.exists(file)) {
            throw new IOException("there is no log file at " + file.toAbsolutePath()
                    + " (etc/logback.xml names the file appender's file)");
        }
        return lastLines(file, lines);
    }

    /**
     * What a terminal must never act on, as the shipped etc/logback.xml writes it: a control character but a tab, a C1
     * control, a bidirectional override. The file may come from an operator's own configuration, which writes what a
     * plugin names raw (its thread, its logger, its message): log:tail shows it as text.
     */
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern
            .compile("[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]");

    /** The last {@code count} lines of {@code file}, read backwards in blocks, as text: log files grow large. */
    static List<String> lastLines(Path file, int count) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            // A final newline ends the last line; it does not start an empty one.
            long end = length > 0 && byteAt(in, length - 1) == '\n' ? length - 1 : length;
            long start = 0;
            long position = end;
            int newlines = 0;
            byte[] block = new byte[8192];
            search:
            while (position > 0) {
                int size = (int) Math.min(block.length, position);
                in.seek(position - size);
                in.readFully(block, 0, size);
                for (int i = size - 1; i >= 0; i--) {
                    if (block[i] == '\n' && ++newlines == count) {
                        start = position - size + i + 1;
                        break search;
                    }
                }
                position -= size;
            }
            if (end <= start) {
                return end == 0 ? List.of() : List.of("");
            }
            byte[] bytes = new byte[(int) (end - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
                lines.add(CONTROL.matcher(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
                        .replaceAll("?"));
            }
            return lines;
        }
    }

    private static int byteAt(RandomAccessFile in, long position) throws IOException {
        in.seek(position);
        return in.read();
    }

    @Override
    public Map<String, String> levels() {
        Map<String, String> levels = new LinkedHashMap<>();
        for (Logger logger : logback.getLoggerList()) {
            Level level = logger.getLevel();
            if (level != null) {
                levels.put(Logger.ROOT_LOGGER_NAME.equals(logger.getName()) ? "ROOT" : logger.getName(), level.toString());
            }
        }
        return levels;
    }

    @Override
    public void setLevel(String logger, String level) throws IOException {
        RuntimeLevels.check(logger, level);
        ConfigurationAdmin admin = configAdmin.get();
        if (admin == null) {
            throw new IOException("Configuration Admin is not running, so the level could not be kept; nothing changed");
        }
        Map<String, String> next = new LinkedHashMap<>(runtime.configured());
        String upper = level.toUpperCase(Locale.ROOT);
        if ("INHERIT".equals(upper) && !"ROOT".equals(logger)) {
            next.remove(logger);
        } else {
            next.put(logger, upper);
        }
        Configuration configuration = admin.getConfiguration(PID, null);
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        List<String> entries = new ArrayList<>();
        next.forEach((name, value) -> entries.add(name + "=" + value));
        properties.put(LEVELS, entries.toArray(new String[0]));
        runtime.expectOwn();
        try {
            configuration.update(properties);
        } catch (IOException | RuntimeException e) {
            runtime.ownFailed();
            throw e;
        }
        // In force now; Config Admin's delivery of the same values follows (RuntimeLevels drops it if stale).
        runtime.applyOwn(next);
    }

    /** A configuration property holding {@code logger=LEVEL} entries: an array, a collection, or one string. */
    static Collection<String> entries(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String[]) {
            return Arrays.asList((String[]) value);
        }
        if (value instanceof Collection) {
            List<String> entries = new ArrayList<>();
            for (Object entry : (Collection<?>) value) {
                entries.add(String.valueOf(entry));
            }
            return entries;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : String.valueOf(value).split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.strip());
            }
        }
        return entries;
    }
}
