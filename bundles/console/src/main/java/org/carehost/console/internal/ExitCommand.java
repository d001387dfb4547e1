package org.carehost.console.internal;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.carehost.shell.CommandArguments;
import org.carehost.shell.RemoteSession;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code exit}, which Gogo itself does not have. In a piped script it ends the script (no later line runs);
 * at the container's own interactive console it stops the container, as Ctrl-D does. In a remote operator's session
 * (SSH: a {@link RemoteSession}, whatever the spelling: {@code exit}, {@code gogo:exit}, {@code exit 3}, one-shot
 * or interactive) it ends that session only: which session it runs in decides, never the text of the line; a
 * remote {@code exit} that stopped the container took a hospital's container down on a mistyped line, unaudited.
 * Registered in the {@code gogo} scope, one that plugins may not register commands in, so that no plugin can take
 * the name over.
 */
@Component(service = ExitCommand.class, property = {
        "osgi.command.scope=gogo",
        "osgi.command.function=exit"
})
public final class ExitCommand {

    private final BundleContext context;

    @Activate
    public ExitCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("end this SSH session, stop the container (its own console), or end the script (piped input)"
            + " with the status so far")
    public void exit(CommandSession session) throws BundleException {
        end(session, null);
    }

    @Descriptor("end this SSH session, stop the container (its own console), or end the script (piped input)"
            + " with this exit status")
    public void exit(CommandSession session, @Descriptor("exit status, 0 to 255") long status) throws BundleException {
        end(session, CommandArguments.intIn("the exit status", status, 0, 255));
    }

    private void end(CommandSession session, Integer status) throws BundleException {
        if (session instanceof RemoteSession remote) {
            remote.end(status == null ? 0 : status); // the connection ends; the container goes on
            return;
        }
        Object script = session.get(ScriptExit.VARIABLE);
        Object console = script instanceof ScriptExit ? script : session.get(ScriptExit.CONSOLE_VARIABLE);
        if (console instanceof ScriptExit ending) {
            ending.request(status); // the script or the console ends, and the launcher stops the container
            return;
        }
        // Not while Felix HTTP is still starting on Config Admin's thread (ConfigurationDeliveries).
        try {
            ConfigurationDeliveries.awaitQueued(context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The system bundle stops asynchronously: the shell, and this command, are stopped in order with the rest.
        context.getBundle(0).stop();
    }
}
