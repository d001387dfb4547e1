package org.carehost.console.internal;

import java.io.IOError;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.carehost.shell.CommandFailures;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The local interactive console: a JLine line editor on the process's terminal (history, Tab completion of commands and,
 * after a {@code plugin:} command, of plugin names), each line run in one Gogo session, as the SSH shell does for remote
 * operators. It replaces Gogo's own interactive shell (which now only runs {@code etc/gosh_profile}), because that
 * shell printed a failed command as the exception's {@code toString()}: Gogo's "Cannot coerce why() to any of
 * [(String)]" for a missing argument, and Java class names before every message. Here a failure is one line,
 * {@code Error: <what went wrong>}, in the operator's words ({@link CommandFailures}), as in a script and over SSH.
 * <p>
 * Ctrl-C abandons the line being typed, or interrupts the running command; Ctrl-D or {@code exit} ends the console, and
 * the launcher then stops the container ({@code exit <status>} with that status).
 */
final class InteractiveConsole {

    private static final String DEFAULT_PROMPT = "carehost> ";
    /** The commands whose argument is a plugin, completed with the plugins' names (as the profile's Gogo did). */
    private static final List<String> PLUGIN_COMMANDS = List.of("info", "start", "stop", "update", "uninstall", "why",
            "permissions", "grant", "revoke", "enable", "disable", "config");

    private final CommandProcessor processor;
    private final Supplier<List<String>> pluginNames;
    private volatile Terminal terminal;

    InteractiveConsole(CommandProcessor processor, Supplier<List<String>> pluginNames) {
        this.processor = processor;
        this.pluginNames = pluginNames;
    }

    /** Runs until Ctrl-D, {@code exit} or {@link #close}; returns the exit status asked for (0 unless {@code exit n}). */
    int run() throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        // JLine finds its terminal providers through the context class loader: its own bundle's
        current.setContextClassLoader(Terminal.class.getClassLoader());
        try (Terminal opened = open()) {
            terminal = opened;
            PrintStream out = new PrintStream(opened.output(), true, opened.encoding());
            ScriptExit exit = new ScriptExit();
            try (CommandSession session = processor.createSession(opened.input(), out, out)) {
                session.put("SCOPE", "plugin:gogo:*");
                session.put("prompt", DEFAULT_PROMPT);
                profile(session, out);
                session.put(ScriptExit.CONSOLE_VARIABLE, exit);
                if (opened.getWidth() <= 0 || opened.getHeight() <= 0) {
                    // a terminal that reports no size: JLine drew the prompt as dots and echoed nothing typed
                    opened.setSize(new org.jline.terminal.Size(80, 24));
                }
                // the line goes to Gogo as typed: JLine's history expansion took out backslashes, so the README's
                // tenant:create stmarys St Mary\'s Hospital reached Gogo with an unmatched quote
                LineReader reader = LineReaderBuilder.builder().terminal(opened).appName("carehost")
                        .completer(completer(session)).option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
                greet(session, out);
                // Ctrl-C while a command runs interrupts it, the job Gogo runs it in and this thread's wait for it (the
                // line editor handles Ctrl-C itself while a line is typed)
                opened.handle(Terminal.Signal.INT, signal -> {
                    org.apache.felix.service.command.Job job = session.foregroundJob();
                    if (job != null) {
                        job.interrupt();
                    }
                    current.interrupt();
                });
                while (!exit.requested()) {
                    String line;
                    try {
                        line = reader.readLine(String.valueOf(session.get("prompt")));
                    } catch (UserInterruptException abandoned) {
                        continue;
                    } catch (EndOfFileException | IOError closed) {
                        break; // Ctrl-D, or the terminal closed by a stop of the container
                    }
                    String command = line.strip();
                    if (command.isEmpty() || command.startsWith("#")) {
                        continue;
                    }
                    try {
                        Object result = session.execute(command);
                        if (result != null) {
                            out.println(org.carehost.shell.TerminalText.formatted(session, result));
                        }
                    } catch (Exception e) {
                        out.println(byInterrupt(e) ? interrupted(session)
                                : "Error: " + CommandFailures.describe(command, e));
                    } finally {
                        Thread.interrupted(); // a Ctrl-C that came as the command ended is not the next one's
                    }
                    out.flush();
                }
            }
            return exit.status(0);
        } finally {
            terminal = null;
            current.setContextClassLoader(before);
        }
    }

    /**
     * The process's terminal; a plain one (no line editing, no completion) with a line saying why when there is none to
     * be had. The provider is JLine's "exec" (it runs stty for the terminal's modes and size) unless the operator names
     * one: the others load native code, for which JDK 24 and later print a warning at each start unless native access is
     * enabled on the command line, which {@code java -jar} cannot do.
     */
    private static Terminal open() throws java.io.IOException {
        String provider = System.getProperty(TerminalBuilder.PROP_PROVIDER);
        TerminalBuilder builder = TerminalBuilder.builder().system(true).name("carehost")
                .provider(provider == null ? TerminalBuilder.PROP_PROVIDER_EXEC : provider);
        try {
            return builder.dumb(false).build(); // not the launcher's "dumb" default for Gogo's own terminal
        } catch (java.io.IOException | IllegalStateException e) {
            System.err.println("carehost: the console has no line editing or completion: JLine could not open the "
                    + "terminal (" + e.getMessage() + ")");
            return builder.dumb(true).build();
        }
    }

    /**
     * After Ctrl-C: a command that does not stop on an interrupt (a read from a server that never answers) would hold
     * the session's foreground, and every next command was refused ("A job is already in foreground") until it ended;
     * it is put in the background instead, where it ends by itself, and the prompt is the operator's again.
     */
    private static String interrupted(CommandSession session) {
        org.apache.felix.service.command.Job still = session.foregroundJob();
        if (still == null) {
            return "Interrupted.";
        }
        still.background();
        return "Interrupted; the command did not stop at once and goes on in the background until it ends "
                + "('plugin:list' and the log show what it did).";
    }

    private static boolean byInterrupt(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** The container is stopping: the terminal is closed, which ends the line being read. */
    void close() {
        Terminal open = terminal;
        if (open != null) {
            try {
                open.close();
            } catch (java.io.IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }

    /** Where operators log in, once the container is ready ({@code carehost:banner}), before the first prompt. */
    private static void greet(CommandSession session, PrintStream out) {
        out.println("Carehost shell. 'help' lists commands, 'plugin:list' the plugins; Ctrl-D or 'exit' stops the "
                + "container.");
        try {
            session.execute("carehost:banner");
        } catch (Exception e) {
            out.println("Where operators log in: 'carehost:listeners' (and the log).");
        }
    }

    /**
     * {@code etc/gosh_profile}, run in this session: its {@code SCOPE} and {@code prompt} (its interactive part, for
     * Gogo's own shell, sees no line reader here and is skipped).
     */
    private static void profile(CommandSession session, PrintStream out) {
        Path profile = Path.of("etc", "gosh_profile");
        if (!Files.isRegularFile(profile)) {
            return;
        }
        try {
            session.execute(Files.readString(profile));
        } catch (Exception e) {
            out.println("etc/gosh_profile failed, the console goes on without it: "
                    + CommandFailures.describe("", e));
        }
    }

    private Completer completer(CommandSession session) {
        return (reader, line, candidates) -> {
            if (line.wordIndex() == 0) {
                for (String command : commands(session)) {
                    candidates.add(new Candidate(command));
                }
            } else if (line.wordIndex() == 1 && pluginCommand(line.words().get(0))) {
                for (String name : pluginNames.get()) {
                    candidates.add(new Candidate(name));
                }
            }
        };
    }

    /** Every command name, with its scope and without ({@code plugin:list} and {@code list}). */
    private static Collection<String> commands(CommandSession session) {
        TreeSet<String> names = new TreeSet<>();
        if (session.get(".commands") instanceof Collection<?> all) {
            for (Object name : all) {
                String text = String.valueOf(name);
                names.add(text);
                names.add(text.substring(text.indexOf(':') + 1));
            }
        }
        return names;
    }

    private static boolean pluginCommand(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        return lower.startsWith("plugin:") && PLUGIN_COMMANDS.contains(lower.substring("plugin:".length()));
    }
}
