package org.carehost.ssh.internal;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.SignalListener;
import org.apache.sshd.server.channel.ChannelSession;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.shell.CommandFailures;
import org.carehost.shell.OperatorShell;
import org.carehost.shell.RemoteSession;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

/**
 * The interactive shell over SSH: a JLine line editor (history, Tab completion of the commands the operator's role
 * allows) on the SSH channel, each line run in the operator's session. {@code exit} (or {@code exit N}: the
 * connection's exit status), {@code logout} or Ctrl-D end the connection, never the container: {@code exit} is the
 * container's exit command, which ends a {@link RemoteSession} it runs in ({@link RemoteSession#ended}). Before each line the login is checked again ({@link Sessions#revoked}): the account
 * disabled, removed, with another password, roles or tenants since the login, or the login older than the session
 * lifetime, the line is refused and the connection closes. Ctrl-C while a command runs interrupts it
 * ({@link CommandInterrupt}: "Interrupted.", as at the local console) and the prompt comes back; what was typed ahead
 * meanwhile stays for the next lines.
 */
final class InteractiveShell extends ChannelCommand {

    InteractiveShell(OperatorShell shell, Sessions sessions) {
        super(shell, sessions, "carehost-ssh-shell");
    }

    @Override
    protected void run(ChannelSession channel, Environment environment) {
        // JLine looks up what it needs (terminal capabilities, services) through the context class loader: its own.
        Thread.currentThread().setContextClassLoader(Terminal.class.getClassLoader());
        int status = 0;
        Sessions.Login login;
        try {
            login = Authentication.operator(sessions, channel.getServerSession());
        } catch (LoginRefusedException e) {
            new PrintStream(err, true, StandardCharsets.UTF_8).print(e.getMessage() + "\r\n");
            exit.onExit(1);
            return;
        }
        Operator operator = login.operator();
        Map<String, String> env = environment.getEnv();
        String revoked = null;
        // A terminal of plain Java streams (JLine's ExternalTerminal: its own line discipline, no provider looked up).
        // Through TerminalBuilder, the native providers (jni, ffm) opened a pseudo-terminal pumped by threads of their
        // own, which printed the IOException they got when the channel closed ("Stream Closed", a stack trace) on the
        // container's standard error at every logout; and loading any provider, even "exec", loads JLine's native
        // library (on JDK 22+ a JDK warning on the console). The SSH channel needs no pseudo-terminal of the host.
        try (Terminal terminal = new ExternalTerminal("carehost-ssh", env.getOrDefault(Environment.ENV_TERM, "xterm"),
                in, out, StandardCharsets.UTF_8)) {
            terminal.setSize(new Size(number(env.get(Environment.ENV_COLUMNS), 80),
                    number(env.get(Environment.ENV_LINES), 24)));
            // the line goes to Gogo as typed (JLine's history expansion takes out backslashes: St Mary\'s)
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(new StringsCompleter(shell.commands(operator)))
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
            // Gogo's streams of the session, which it cannot close: it wraps them in NIO channels (Channels.newChannel),
            // and a thread interrupted (Ctrl-C) as it reads or writes one closes that channel and the stream under it,
            // the terminal's and so the SSH channel's. Without this, SshInterruptAndRetryIT once saw the screen go
            // silent after the interrupted command's own message: no "Interrupted.", no prompt (not seen since; the
            // cause was inferred, not caught in a thread dump).
            PrintStream print = new PrintStream(unclosable(terminal.output()), true, StandardCharsets.UTF_8);
            InputStream input = unclosable(terminal.input());
            CommandInterrupt interrupt = new CommandInterrupt(Thread.currentThread());
            // Ctrl-C while a command runs: the terminal's line discipline reads the channel all the time (its pump
            // thread; while a line is typed the line editor has it raw and handles Ctrl-C itself) and raises INT for
            // the byte; a client may also send the SSH "signal INT" request. Before, nothing handled INT: the command
            // ran on and the ^C it echoed showed only after it ended (tryout 16).
            terminal.handle(Terminal.Signal.INT, signal -> {
                terminal.writer().flush(); // the ^C the line discipline echoed, at once
                interrupt.interrupt();
            });
            SignalListener signals = (ssh, signal) -> interrupt.interrupt();
            environment.addSignalListener(signals, Signal.INT);
            try (RemoteSession session = shell.open(operator, Authentication.source(channel.getServerSession()),
                    input, print, print)) {
                // Gogo's commands that draw on a terminal (clear, less, nano) find it here, as at the local console;
                // without it they failed with a NullPointerException (tryout 16, items 8 and 20)
                session.put(".terminal", terminal);
                terminal.writer().println("Carehost: logged in as " + operator.name() + " ("
                        + Role.text(operator.roles()) + "). 'help' lists commands; 'exit' logs out.");
                terminal.flush();
                while (true) {
                    String line;
                    try {
                        line = reader.readLine(operator.name() + "@carehost> ");
                    } catch (UserInterruptException e) {
                        continue;
                    } catch (EndOfFileException e) {
                        break;
                    }
                    String command = line.strip();
                    if (command.isEmpty()) {
                        continue;
                    }
                    if (command.equals("logout") || command.equals("quit")) {
                        break; // words of a login shell, not commands; exit is a command (gogo:exit): it ends the session
                    }
                    revoked = sessions.revoked(login);
                    if (revoked != null) {
                        break; // said on standard error once the terminal is closed, as a failed start is
                    }
                    String interrupted = null;
                    try {
                        interrupt.running(session);
                        Object result = session.execute(command);
                        if (result != null && session.ended().isEmpty()) {
                            terminal.writer().println(org.carehost.shell.TerminalText.formatted(session, result));
                        }
                    } catch (Exception e) {
                        if (session.ended().isPresent()) {
                            // the rest of the line after exit, refused: nothing to say
                        } else if (CommandInterrupt.byInterrupt(e)) {
                            interrupted = interrupt.stopped(session);
                        } else {
                            terminal.writer().println("Error: " + shell.printable(CommandFailures.describe(command, e)));
                        }
                    } finally {
                        interrupt.done();
                    }
                    if (interrupted != null) {
                        // After done(): no Ctrl-C interrupts this thread any more (an interrupted write to the channel
                        // was lost). Through Gogo's stream, one write: what the stopped command prints (on its own
                        // thread, which may outlive its job a moment) comes before or after it, never through it.
                        print.println(interrupted);
                    }
                    terminal.flush();
                    if (session.ended().isPresent()) {
                        status = session.ended().getAsInt(); // exit N: the connection's exit status
                        break;
                    }
                }
            } finally {
                environment.removeSignalListener(signals);
            }
        } catch (Exception | LinkageError e) {
            status = 1;
            new PrintStream(err, true, StandardCharsets.UTF_8)
                    .print("The shell failed: " + shell.printable(CommandFailures.describe("", e)) + "\r\n");
        }
        if (revoked != null) {
            status = 1;
            new PrintStream(err, true, StandardCharsets.UTF_8).print(revoked + "\r\n");
        }
        exit.onExit(status);
    }

    private static OutputStream unclosable(OutputStream stream) {
        return new FilterOutputStream(stream) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static InputStream unclosable(InputStream stream) {
        return new FilterInputStream(stream) {
            @Override
            public void close() {
                // the terminal's: closed with it
            }
        };
    }

    private static int number(String text, int fallback) {
        try {
            int value = text == null ? fallback : Integer.parseInt(text.strip());
            return value < 1 ? fallback : value; // a client without a real terminal sends 0
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
