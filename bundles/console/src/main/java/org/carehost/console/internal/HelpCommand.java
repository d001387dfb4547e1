package org.carehost.console.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help} and {@code help <command>}: Gogo's own ({@code felix:help}), except that a name no command has is an
 * error naming the way on, where Gogo printed nothing and the script went on as if it had worked. Registered in the
 * {@code gogo} scope, which the shell's {@code SCOPE} searches before Gogo's {@code felix} scope and which plugins may
 * not register commands in.
 */
@Component(service = HelpCommand.class, property = {
        "osgi.command.scope=gogo",
        "osgi.command.function=help"
})
public final class HelpCommand {

    /** The session variable where Gogo's runtime keeps the names of every command ({@code scope:function}). */
    private static final String COMMANDS = ".commands";
    /** A command name as Gogo's help looks it up: {@code function} or {@code scope:function}. */
    private static final Pattern NAME = Pattern.compile("([\\w.-]+:)?[\\w.-]+");

    @Descriptor("list the commands")
    public Object help(CommandSession session) throws Exception {
        return session.execute("felix:help");
    }

    @Descriptor("show what a command takes")
    public Object help(CommandSession session, @Descriptor("command, e.g. plugin:why or why") String command)
            throws Exception {
        if (!NAME.matcher(command).matches() || !exists(session, command)) {
            throw new IllegalArgumentException("No command named '" + command + "': 'help' lists the commands");
        }
        return session.execute("felix:help " + command);
    }

    private static boolean exists(CommandSession session, String command) {
        Object names = session.get(COMMANDS);
        if (!(names instanceof Collection<?> all)) {
            return true; // not a Gogo runtime that lists them: its help answers
        }
        String wanted = command.toLowerCase(Locale.ROOT);
        for (Object name : all) {
            String known = String.valueOf(name).toLowerCase(Locale.ROOT);
            if (known.equals(wanted) || known.endsWith(":" + wanted)) {
                return true;
            }
        }
        return false;
    }
}
