package org.carehost.console.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help} and {@code help <command>}: Gogo's own ({@code felix:help}), except that
 * <ul>
 * <li>a name no command has is an error naming the way on, where Gogo printed nothing and the script went on as if it
 * had worked;
 * <li>commands with no public method of their name (a Gogo {@link Function} such as {@code user:key-add}: a name with
 * a hyphen; {@code patient:import}, a keyword, in a method {@code _import}) are listed and described too. Gogo's help
 * knows a command only by a public method of exactly its name, so it left them out of the list and answered {@code help user:key-add} with
 * "No methods found matching" and success. Such a command describes itself in the service property
 * {@value #HELP}; one that does not is a failed {@code help} (naming the command), never an empty success.
 * </ul>
 * Registered in the {@code gogo} scope, which the shell's {@code SCOPE} searches before Gogo's {@code felix} scope
 * and which plugins may not register commands in.
 */
@Component(service = HelpCommand.class, property = {
        "osgi.command.scope=gogo",
        "osgi.command.function=help"
})
public final class HelpCommand {

    /** The service property in which a {@link Function} command describes itself (usage and what it does). */
    public static final String HELP = "carehost.command.help";

    /** The session variable where Gogo's runtime keeps the names of every command ({@code scope:function}). */
    private static final String COMMANDS = ".commands";
    /** A command name as Gogo's help looks it up: {@code function} or {@code scope:function}. */
    private static final Pattern NAME = Pattern.compile("([\\w.-]+:)?[\\w.-]+");

    private final BundleContext context;

    @Activate
    public HelpCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("list the commands")
    public Object help(CommandSession session) throws Exception {
        Object listed = session.execute("felix:help"); // a String, one command a line
        Set<String> names = new TreeSet<>();
        if (listed != null) {
            String.valueOf(listed).lines().map(String::strip).filter(name -> !name.isEmpty()).forEach(names::add);
        }
        names.addAll(functions().keySet());
        return String.join("\n", names);
    }

    @Descriptor("show what a command takes")
    public Object help(CommandSession session, @Descriptor("command, e.g. plugin:why or why") String command)
            throws Exception {
        if (!NAME.matcher(command).matches() || !exists(session, command)) {
            throw new IllegalArgumentException("No command named '" + command + "': 'help' lists the commands");
        }
        String wanted = command.toLowerCase(Locale.ROOT);
        StringBuilder described = new StringBuilder();
        for (Map.Entry<String, ServiceReference<?>> function : functions().entrySet()) {
            if (matches(function.getKey(), wanted)) {
                Object help = function.getValue().getProperty(HELP);
                if (help == null) {
                    throw new IllegalStateException("The command " + function.getKey() + " has no help text here "
                            + "(its service has no " + HELP + " property); try '" + function.getKey() + " --help'");
                }
                described.append(function.getKey()).append("\n   ").append(help).append('\n');
            }
        }
        if (described.length() > 0) {
            return described.toString().stripTrailing();
        }
        return session.execute("felix:help " + command);
    }

    private static boolean matches(String known, String wanted) {
        return known.equals(wanted) || known.endsWith(":" + wanted);
    }

    /**
     * The commands Gogo's help cannot describe (scope:function, lower case): services with no public method of the
     * function's exact name, which Gogo calls as a {@link Function} or through a method named {@code _import} for
     * {@code import} (a Java keyword).
     */
    private Map<String, ServiceReference<?>> functions() throws InvalidSyntaxException {
        Map<String, ServiceReference<?>> found = new TreeMap<>();
        ServiceReference<?>[] references = context.getAllServiceReferences(null, "(osgi.command.scope=*)");
        for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
            Object scope = reference.getProperty("osgi.command.scope");
            Object names = reference.getProperty("osgi.command.function");
            String[] functions = names instanceof String[] many ? many : new String[] {String.valueOf(names)};
            Object service = reference.getProperty(HELP) != null ? null : context.getService(reference);
            try {
                for (String function : functions) {
                    if (service == null ? reference.getProperty(HELP) != null
                            : !hasMethod(service, function)) {
                        found.put((scope + ":" + function).toLowerCase(Locale.ROOT), reference);
                    }
                }
            } finally {
                if (service != null) {
                    context.ungetService(reference);
                }
            }
        }
        return found;
    }

    private static boolean hasMethod(Object service, String function) {
        for (java.lang.reflect.Method method : service.getClass().getMethods()) {
            if (method.getName().equals(function)) {
                return true;
            }
        }
        return false;
    }

    private static boolean exists(CommandSession session, String command) {
        Object names = session.get(COMMANDS);
        if (!(names instanceof Collection<?> all)) {
            return true; // not a Gogo runtime that lists them: its help answers
        }
        String wanted = command.toLowerCase(Locale.ROOT);
        for (Object name : all) {
            if (matches(String.valueOf(name).toLowerCase(Locale.ROOT), wanted)) {
                return true;
            }
        }
        return false;
    }
}
