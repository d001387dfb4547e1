package org.carehost.shell.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Consumer;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.CommandSessionImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.carehost.operators.Operator;
import org.carehost.shell.RemoteSession;

/**
 * A Gogo session of a remote operator: the one place where shell commands are checked against roles. Gogo looks every
 * command name up through {@link #get} (also names built at run time, in pipes and closures) and calls methods on
 * objects through {@link #invoke}; both are overridden here, so nothing reaches a command or an object that the
 * {@link CommandRoles} table does not allow. For anyone but an admin:
 * <ul>
 * <li>a command name resolves only if the operator may run every command it can stand for ({@code stop} stands for
 * {@code plugin:stop} and {@code felix:stop});
 * <li>Gogo's constants ({@code .context}, the framework's bundle context) are not reachable;
 * <li>method calls on Java objects are refused (they reach anything);
 * <li>a tenant-scoped command's {@code --tenant} must name a tenant the operator administers;
 * <li>no redirection from or to a file ({@code < file}, {@code > file}, {@code >> file}: Gogo opens the file itself,
 * with the container's rights, and {@code < file} alone prints it with no command at all): {@link #redirect};
 * <li>no file-name globbing ({@code echo etc/*} would list any folder): {@value #NOGLOB} is always true.
 * </ul>
 * A refusal is thrown (the command fails with its message) and reported to {@code refused}, which audits it.
 * <p>
 * Once {@code exit} has ended the session ({@link #end}), no further command resolves, so the rest of the line
 * ({@code exit 3; plugin:list}) does not run either.
 */
final class GuardedSession extends CommandSessionImpl implements RemoteSession {

    /** The session variable that turns Gogo's globbing off, answered true for anyone but an admin. */
    static final String NOGLOB = "gogo.option.noglob";

    private final CommandProcessorImpl processor;
    private final Operator operator;
    private final Consumer<String> refused;
    /** The status {@code exit} ended the session with; -1 while it goes on. */
    private volatile int endedWith = -1;

    /** Runs a line of this session: how {@link RemoteStopAudit} knows whose line a stop of the container came from. */
    interface LineRunner {
        Object run(CharSequence line, java.util.concurrent.Callable<Object> command) throws Exception;
    }

    private final LineRunner runner;

    GuardedSession(CommandProcessorImpl processor, Operator operator, Consumer<String> refused, InputStream in,
            OutputStream out, OutputStream err, LineRunner runner) {
        super(processor, in, out, err);
        this.processor = processor;
        this.operator = operator;
        this.refused = refused;
        this.runner = runner;
    }

    @Override
    public Object execute(CharSequence line) throws Exception {
        return runner.run(line, () -> super.execute(line));
    }

    @Override
    public Operator operator() {
        return operator;
    }

    @Override
    public void end(int status) {
        if (status < 0 || status > 255) {
            throw new IllegalArgumentException("An exit status is 0 to 255, not " + status);
        }
        endedWith = status;
    }

    @Override
    public OptionalInt ended() {
        int status = endedWith;
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    @Override
    public Object get(String name) {
        Object found = guardedGet(name);
        if (endedWith >= 0 && found instanceof Function) {
            throw new IllegalStateException("The session has ended (exit); '" + name + "' did not run");
        }
        if (found instanceof Function && name != null && !name.startsWith(".")) {
            String needs = TerminalCommands.refusal(name, found, candidates(name), super::get);
            if (needs != null) {
                throw new IllegalStateException(needs);
            }
        }
        return found;
    }

    private Object guardedGet(String name) {
        if (operator.isAdmin() || name == null) {
            return super.get(name);
        }
        if (name.equals(NOGLOB)) {
            return Boolean.TRUE; // whatever the session was told: an assignment cannot turn globbing back on
        }
        if (name.startsWith(".") && !name.equals(COMMANDS)) {
            return null;
        }
        if (getVariables().containsKey(name) || getVariables().containsKey("#" + name)) {
            return super.get(name); // the session's own variables and closures; the commands inside are checked here
        }
        Object value = super.get(name);
        if (value == null) {
            return null;
        }
        List<String> commands = candidates(name);
        String refusal = commands.isEmpty() ? "Refused: " + operator.name() + " may not use '" + name + "'"
                : CommandRoles.refusal(operator, commands);
        if (refusal != null) {
            refused.accept(refusal);
            throw new SecurityException(refusal);
        }
        if (value instanceof Function function && commands.stream().anyMatch(CommandRoles::tenantScoped)) {
            return (Function) (session, arguments) -> {
                checkTenants(String.join(" ", commands), arguments);
                return function.execute(session, arguments);
            };
        }
        return value;
    }

    @Override
    public Object invoke(Object target, String name, List<Object> args) throws Exception {
        if (!operator.isAdmin()) {
            String refusal = "Refused: " + operator.name() + " may not call methods on Java objects (" + name
                    + "); that is for admins";
            refused.accept(refusal);
            throw new SecurityException(refusal);
        }
        return super.invoke(target, name, args);
    }

    /** A command's result as the remote operator's terminal gets it: printable ({@link Text#printable}). */
    @Override
    public CharSequence format(Object target, int level) {
        CharSequence formatted = super.format(target, level);
        return formatted == null ? null : Text.printable(formatted.toString());
    }

    /**
     * Where a redirection reads or writes ({@code <}, {@code >}, {@code >>}, {@code <>}): Gogo opens that file itself, so
     * for anyone but an admin it is refused, whatever the path (the operator redirects on their own machine instead:
     * {@code ssh host audit:query > file}).
     */
    @Override
    public java.nio.file.Path redirect(java.nio.file.Path path, int mode) {
        if (operator.isAdmin()) {
            return super.redirect(path, mode);
        }
        String refusal = "Refused: " + operator.name() + " may not redirect from or to a file (" + path
                + "); that is for admins. Leave out '<' and '>' and redirect on your own machine (ssh ... > file)";
        refused.accept(refusal);
        throw new SecurityException(refusal);
    }

    /** The commands {@code name} can stand for: itself when scoped, else every {@code scope:name}. */
    List<String> candidates(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        int colon = lower.indexOf(':');
        String function = colon < 0 ? lower : lower.substring(colon + 1);
        String scope = colon < 0 || lower.startsWith("*:") ? null : lower.substring(0, colon);
        for (String command : processor.getCommands()) {
            String key = command.toLowerCase(Locale.ROOT);
            int at = key.indexOf(':');
            if (key.substring(at + 1).equals(function) && (scope == null || key.substring(0, at).equals(scope))) {
                found.add(key);
            }
        }
        return found;
    }

    private void checkTenants(String command, List<Object> arguments) {
        for (int i = 0; i < arguments.size(); i++) {
            String argument = String.valueOf(arguments.get(i));
            if ((argument.equals("--tenant") || argument.equals("-t")) && i + 1 < arguments.size()) {
                String tenant = String.valueOf(arguments.get(i + 1));
                if (!operator.administers(tenant)) {
                    String refusal = "Refused: " + operator.name() + " does not administer tenant '" + tenant + "' ("
                            + command + ")";
                    refused.accept(refusal);
                    throw new SecurityException(refusal);
                }
            }
        }
    }

    static Operator operatorOf(CommandSession session) {
        return session instanceof GuardedSession guarded ? guarded.operator() : null;
    }
}
