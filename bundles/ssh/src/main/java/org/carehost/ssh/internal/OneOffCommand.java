package org.carehost.ssh.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.shell.OperatorShell;

/**
 * {@code ssh host plugin:list}: runs the command line in the operator's session, prints its result, and exits 0, or
 * prints {@code Error: …} on standard error and exits 1, as a piped script at the console does.
 */
final class OneOffCommand implements Command {

    private final OperatorShell shell;
    private final Logins logins;
    private final String line;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread thread;

    OneOffCommand(OperatorShell shell, Logins logins, String line) {
        this.shell = shell;
        this.logins = logins;
        this.line = line;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) {
        thread = new Thread(() -> run(channel), "carehost-ssh-command");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(ChannelSession channel) {
        PrintStream output = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = 0;
        try {
            Operator operator = Authentication.operator(logins, channel.getServerSession());
            try (CommandSession session = shell.open(operator, Authentication.source(channel.getServerSession()),
                    in, output, errors)) {
                Object result = session.execute(line);
                if (result != null) {
                    output.println(session.format(result, Converter.INSPECT));
                }
            }
        } catch (LoginRefusedException e) {
            errors.println(e.getMessage());
            status = 1;
        } catch (Exception e) {
            errors.println("Error: " + line + ": " + Messages.of(e));
            status = 1;
        }
        output.flush();
        errors.flush();
        exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
