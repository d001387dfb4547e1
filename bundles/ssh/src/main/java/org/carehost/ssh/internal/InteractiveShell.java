package org.carehost.ssh.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.felix.service.command.Converter;
import org.apache.sshd.server.Environment;
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
 * lifetime, the line is refused and the connection closes.
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
            PrintStream print = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
            try (RemoteSession session = shell.open(operator, Authentication.source(channel.getServerSession()),
                    terminal.input(), print, print)) {
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
                    try {
                        Object result = session.execute(command);
                        if (result != null && session.ended().isEmpty()) {
                            terminal.writer().println(session.format(result, Converter.INSPECT));
                        }
                    } catch (Exception e) {
                        if (session.ended().isEmpty()) { // else the rest of the line after exit, refused
                            terminal.writer().println("Error: " + shell.printable(CommandFailures.describe(command, e)));
                        }
                    }
                    terminal.flush();
                    if (session.ended().isPresent()) {
                        status = session.ended().getAsInt(); // exit N: the connection's exit status
                        break;
                    }
                }
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

    private static int number(String text, int fallback) {
        try {
            int value = text == null ? fallback : Integer.parseInt(text.strip());
            return value < 1 ? fallback : value; // a client without a real terminal sends 0
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
