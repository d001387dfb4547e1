package org.carehost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Which file Logback reads. {@code etc/logback.xml} when it is well-formed XML; otherwise Logback, given a file it
 * cannot parse, printed a stack trace and then logged nothing at all, the log file included, for the whole run (an
 * operator's one-character typo). Then the shipped default is written to {@code data/log/logback-default.xml} and read
 * instead, after one line on standard error naming the file, the line and the problem. Only well-formedness is
 * checked here, with the JDK's parser: what Logback makes of a well-formed file stays Logback's to say.
 */
final class LoggingFile {

    /** The system property Logback reads its configuration file from (set in runtime.bndrun). */
    static final String PROPERTY = "logback.configurationFile";

    private LoggingFile() {
    }

    /** Points Logback at the shipped default when the configured file is not well-formed XML. */
    static void choose(Path home) {
        String configured = System.getProperty(PROPERTY);
        if (configured == null) {
            return;
        }
        Path file = home.resolve(configured);
        String problem = problem(file);
        if (problem == null) {
            return;
        }
        try {
            Path fallback = Files.createDirectories(home.resolve("data/log")).resolve("logback-default.xml");
            try (InputStream in = LoggingFile.class.getResourceAsStream("etc/logback.xml")) {
                if (in == null) {
                    return; // no default to fall back to: Logback reports the file as it does
                }
                Files.copy(in, fallback, StandardCopyOption.REPLACE_EXISTING);
            }
            System.setProperty(PROPERTY, fallback.toString());
            System.err.println("carehost: " + configured + " is not valid XML (" + problem + "); logging with the"
                    + " shipped defaults (" + home.relativize(fallback) + ") until it is fixed and the container"
                    + " restarted");
        } catch (IOException e) {
            // Logback reports the file as it does
        }
    }

    /** What is wrong with the file as XML ("line 51: ..."), or null when it is well-formed or absent. */
    static String problem(Path file) {
        if (!Files.isRegularFile(file)) {
            return null; // Logback's own message for a missing file
        }
        try {
            SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.newSAXParser().parse(file.toFile(), new DefaultHandler());
            return null;
        } catch (SAXParseException e) {
            return "line " + e.getLineNumber() + ": " + e.getMessage();
        } catch (Exception e) {
            return null; // not a parse problem (a read error, the parser's set-up): Logback says what it makes of it
        }
    }
}
