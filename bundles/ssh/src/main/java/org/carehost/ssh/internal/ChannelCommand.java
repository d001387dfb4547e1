package org.carehost.ssh.internal;

import java.io.InputStream;
import java.io.OutputStream;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.carehost.shell.OperatorShell;

/**
 * What an SSH command of the container needs from SSHD: the channel's streams and exit callback, and a daemon thread
 * of its own, interrupted when the channel closes. Subclasses say what runs on that thread.
 */
abstract class ChannelCommand implements Command {

    protected final OperatorShell shell;
    protected final Sessions sessions;
    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    protected ExitCallback exit;
    private final String threadName;
    private Thread thread;

    ChannelCommand(OperatorShell shell, Sessions sessions, String threadName) {
        this.shell = shell;
        this.sessions = sessions;
        this.threadName = threadName;
    }

    /** Runs on the command's own thread; ends by calling {@link #exit}. */
    protected abstract void run(ChannelSession channel, Environment environment);

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
        thread = new Thread(() -> run(channel, environment), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
