package org.carehost.ssh.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Operator;
import org.carehost.shell.CommandFailures;
import org.carehost.shell.OperatorShell;
import org.carehost.shell.RemoteSession;

/**
 * {@code ssh host plugin:list}: runs the command line in the operator's session, prints its result, and exits 0, or
 * prints {@code Error: …} on standard error and exits 1, as a piped script at the console does. {@code ssh host 'exit 3'}
 * ends this session only ({@link RemoteSession}), with exit status 3.
 */
final class OneOffCommand extends ChannelCommand {

    private final String line;

    OneOffCommand(OperatorShell shell, Sessions sessions, String line) {
        super(shell, sessions, "carehost-ssh-command");
        this.line = line;
    }

    @Override
    protected void run(ChannelSession channel, Environment environment) {
        PrintStream output = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = 0;
        try {
            Operator operator = Authentication.operator(sessions, channel.getServerSession()).operator();
            try (RemoteSession session = shell.open(operator, Authentication.source(channel.getServerSession()),
                    in, output, errors)) {
                try {
                    Object result = session.execute(line);
                    if (result != null && session.ended().isEmpty()) {
                        output.print(org.carehost.shell.TerminalText.asLines(org.carehost.shell.TerminalText.formatted(session, result)));
                    }
                } catch (Exception e) {
                    if (session.ended().isEmpty()) {
                        throw e;
                    } // else what followed exit on the line, which does not run
                }
                status = session.ended().orElse(0); // ssh host 'exit 3': the client's exit status is 3
            }
        } catch (LoginRefusedException e) {
            errors.println(shell.printable(e.getMessage()));
            status = 1;
        } catch (Exception e) {
            errors.println("Error: " + shell.printable(line + ": " + CommandFailures.describe(line, e)));
            status = 1;
        }
        output.flush();
        errors.flush();
        exit.onExit(status);
    }
}
