package org.carehost.console.internal;

import java.util.Hashtable;
import java.util.Set;

import org.apache.felix.gogo.jline.Posix;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo's POSIX-like commands ({@code gogo:cat}, {@code ls}, {@code grep}, {@code sleep}, {@code nano}, ...), failing as
 * every other command does. Gogo's own ({@code Posix._main}) prints a failure itself ("cat:
 * java.io.FileNotFoundException: ...") and sets only its process's error code, which Gogo's runtime drops: the command
 * counted as a success (a script's status 0, an SSH one-shot's 0) with a Java class name as its message (tryout 16 #8).
 * Here the same commands are registered again, with the functions gogo.jline registers them for (its service
 * property, not a list of our own) and a higher {@code service.ranking}, which Gogo's runtime resolves a name by; a
 * failure is thrown, so the console, a script and the SSH shell print their one {@code Error: <why>} line
 * ({@code CommandFailures}) and count it. The full-screen ones ({@link #NEED_A_TERMINAL}) need a terminal (the session
 * variable {@value #TERMINAL}), which only the interactive SSH shell sets (the shell bundle's {@code TerminalCommands}
 * refuses them earlier in a remote session without one): elsewhere they say so rather than fail on a
 * NullPointerException.
 */
@Component(service = {})
public final class GogoPosixCommands {

    /** The session variable that holds Gogo's terminal, set by Gogo's own shell only. */
    static final String TERMINAL = ".terminal";
    /** Gogo's commands that draw on Gogo's terminal (Posix reads {@value #TERMINAL} and fails when it is null). */
    static final Set<String> NEED_A_TERMINAL = Set.of("nano", "less", "ttop", "tmux", "watch", "clear");

    private final ServiceRegistration<?> registration;

    @Activate
    public GogoPosixCommands(BundleContext context, @Reference CommandProcessor processor,
            @Reference(service = Posix.class) ServiceReference<Posix> gogos) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CommandProcessor.COMMAND_SCOPE, gogos.getProperty(CommandProcessor.COMMAND_SCOPE));
        properties.put(CommandProcessor.COMMAND_FUNCTION, gogos.getProperty(CommandProcessor.COMMAND_FUNCTION));
        properties.put(Constants.SERVICE_RANKING, 1);
        registration = context.registerService(Posix.class, new Failing(processor), properties);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException unregisteredAlready) {
            // the framework's stop took it down first (its stop unregisters each stopping bundle's services)
        }
    }

    /** A failed command's exception, passed on for the shell to describe (it has no message of its own). */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(Exception cause) {
            super(null, cause);
        }
    }

    /** Gogo's commands, a failure thrown rather than printed. */
    static final class Failing extends Posix {

        Failing(CommandProcessor processor) {
            super(processor);
        }

        @Override
        public void _main(CommandSession session, String[] argv) {
            if (argv == null || argv.length < 1) {
                throw new IllegalArgumentException("no command given");
            }
            if (NEED_A_TERMINAL.contains(argv[0]) && session.get(TERMINAL) == null) {
                throw new IllegalStateException("gogo:" + argv[0] + " needs a full-screen terminal, which only the "
                        + "interactive SSH shell gives it (ssh -p <port> <user>@<host>, with no command); the console "
                        + "and scripts have none: use a tool on the host instead");
            }
            Process process = Process.Utils.current();
            try {
                run(session, process, argv);
            } catch (HelpException usage) {
                process.err().println(usage.getMessage()); // --help: the usage asked for, no failure
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new Failed(e);
            }
        }
    }
}
