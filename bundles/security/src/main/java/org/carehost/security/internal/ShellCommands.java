package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

/**
 * The shell commands only the container may provide, and whether a plugin's command takes one: a reserved scope
 * ({@code security:}, {@code plugin:}, Gogo's {@code felix:} and {@code gogo:}, ...) or the function name of a
 * container command in any scope.
 *
 * <p>Why the function name too: the operator types commands without a scope ({@code lb}), and Gogo looks the name up
 * in every scope, ignoring case. A plugin registering {@code aa:lb} makes the operator's {@code lb} ambiguous, so it
 * fails, or runs the plugin's. Which functions the container has is learnt from the service registry as container
 * bundles (any bundle {@link PluginScope} does not call a plugin) register, change and withdraw command services:
 * a container command may come after a plugin took its name. Gogo's runtime adds three commands directly, not as
 * services ({@link #RUNTIME_BUILT_INS}); its {@code gogo:} and {@code felix:} commands are services.
 */
final class ShellCommands {

    static final String SCOPE = "osgi.command.scope";
    static final String FUNCTION = "osgi.command.function";

    /** Command scopes of the container's shell (and of its planned parts): a plugin's command in one would take them. */
    static final Set<String> RESERVED_SCOPES = Set.of("plugin", "audit", "security", "patient", "appointment",
            "tenant", "context", "consent", "user", "log", "carehost", "adapter", "notify", "schedule", "wasm",
            "catalog", "felix", "gogo", "osgi", "scr", "cm", "obr", "event", "meta", "system");

    /** Commands Gogo's runtime adds without a service (function in lower case to its scoped name). */
    static final Map<String, String> RUNTIME_BUILT_INS = Map.of("addcommand", "osgi:addCommand",
            "removecommand", "osgi:removeCommand", "eval", "osgi:eval");

    private final Predicate<Bundle> isPlugin;
    /** Per container command service (by id): its functions in lower case, each to its scoped name. */
    private final Map<Long, Map<String, String>> container = new ConcurrentHashMap<>();

    /** {@code isPlugin}: {@link PluginScope#isPlugin}; every other bundle's commands are the container's. */
    ShellCommands(Predicate<Bundle> isPlugin) {
        this.isPlugin = isPlugin;
    }

    /** The security manager's context, to see a plugin's command object ({@link #foreignObject}); null until open. */
    private volatile BundleContext context;
    /** Per plugin command service (by id): why its object may not be a command, or "" when it may. */
    private final Map<Long, String> objects = new ConcurrentHashMap<>();

    /** Learns the container commands registered so far (call once this object receives service events). */
    void open(BundleContext context) {
        this.context = context;
        for (ServiceReference<?> reference : commandServices(context)) {
            if (reference.getBundle() != null && !isPlugin.test(reference.getBundle())) {
                container.put(serviceId(reference), scopedFunctions(reference));
            }
        }
    }

    /** Every command service in the registry, as this bundle (never hidden from) sees it. */
    static List<ServiceReference<?>> commandServices(BundleContext context) {
        try {
            ServiceReference<?>[] all = context.getAllServiceReferences(null, "(" + FUNCTION + "=*)");
            return all == null ? List.of() : List.of(all);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Follows a container command service coming, changing or going; plugins' services are ignored. True if the
     * container has a command it did not have before, which a plugin's command already registered may now shadow.
     */
    boolean containerChanged(ServiceEvent event) {
        ServiceReference<?> reference = event.getServiceReference();
        Bundle provider = reference.getBundle();
        if (provider == null || isPlugin.test(provider)) {
            if (event.getType() == ServiceEvent.UNREGISTERING) {
                objects.remove(serviceId(reference));
            }
            return false;
        }
        if (event.getType() == ServiceEvent.UNREGISTERING || reference.getProperty(FUNCTION) == null) {
            container.remove(serviceId(reference));
            return false;
        }
        Map<String, String> functions = scopedFunctions(reference);
        Map<String, String> before = container.put(serviceId(reference), functions);
        return before == null || !before.keySet().containsAll(functions.keySet());
    }

    /**
     * Why a plugin's service may not be a shell command: it is in a reserved scope, or a function of it has the name
     * of a container command (named, with the plugin's command); null if it may, or it is no command at all.
     */
    String refusal(ServiceReference<?> reference) {
        Object scopeValue = reference.getProperty(SCOPE);
        if (scopeValue != null && PluginTexts.single(scopeValue) == null
                || PluginTexts.of(reference.getProperty(FUNCTION)) == null) {
            // read as text only: the plugin's toString would run here, on the thread of whoever looked it up
            return "registered a service whose osgi.command.scope or osgi.command.function is not text (a String, or "
                    + "String[] for the functions)";
        }
        if (reference.getProperty(FUNCTION) != null) {
            String foreign = objects.computeIfAbsent(serviceId(reference), id -> foreignObject(reference));
            if (!foreign.isEmpty()) {
                return foreign;
            }
        }
        Object scopeProperty = reference.getProperty(SCOPE);
        String pluginScope = scopeProperty == null ? "" : String.valueOf(scopeProperty).trim();
        if (RESERVED_SCOPES.contains(pluginScope.toLowerCase(Locale.ROOT))) {
            return "registered commands in the shell scope " + pluginScope + ", which only the container may provide";
        }
        for (String function : functions(reference.getProperty(FUNCTION))) {
            String taken = containerCommand(function.toLowerCase(Locale.ROOT));
            if (taken != null) {
                return "registered the shell command " + pluginScope + ":" + function + ", which would shadow the "
                        + "container's command " + taken + " (the operator types it without a scope); a plugin's "
                        + "commands need names no container command has";
            }
        }
        return null;
    }

    /**
     * The functions of a plugin's command that a container command has in another scope: names Gogo may keep after
     * the command went. Not those of a reserved scope, nor a scoped name the container has too: Gogo must keep those.
     */
    List<String> shadowingFunctions(ServiceReference<?> reference) {
        Object scopeProperty = reference.getProperty(SCOPE);
        if (scopeProperty != null && PluginTexts.single(scopeProperty) == null
                || PluginTexts.of(reference.getProperty(FUNCTION)) == null) {
            return List.of(); // not text: Gogo could not have taken its names either
        }
        String pluginScope = scopeProperty == null ? "" : String.valueOf(scopeProperty).trim();
        if (RESERVED_SCOPES.contains(pluginScope.toLowerCase(Locale.ROOT))) {
            return List.of();
        }
        List<String> taken = functions(reference.getProperty(FUNCTION));
        taken.removeIf(function -> {
            String scoped = containerCommand(function.toLowerCase(Locale.ROOT));
            return scoped == null || container.values().stream().flatMap(functions -> functions.values().stream())
                    .anyMatch((pluginScope + ":" + function)::equalsIgnoreCase);
        });
        return taken;
    }

    /**
     * Why a plugin's command object may not be a command, or "" when it may: the shell calls a command's methods by
     * reflection, with no frame of the plugin's on the stack, so a JDK or container object registered as a command
     * (a File on the data key, whose delete the operator's {@code x:delete} would run) would act as the container. A
     * plugin's command registered as a plain object must be of a class of its own. Looked at once per service, through
     * the security manager's context, which for a plain service hands back the registered object, running none of the
     * plugin's code. A service factory's objects are not looked at here; what the shell then calls by reflection on a JDK
     * method is refused at run time whatever the object ({@link Causes.UnownedCall}).
     */
    private String foreignObject(ServiceReference<?> reference) {
        Bundle provider = reference.getBundle();
        Object scope = reference.getProperty(org.osgi.framework.Constants.SERVICE_SCOPE);
        if (provider == null || !isPlugin.test(provider)) {
            return "";
        }
        if (scope != null && !org.osgi.framework.Constants.SCOPE_SINGLETON.equals(scope)) {
            // a service factory: SCR's for a delayed component (whose object is the plugin's own class: EntryClassLoads),
            // or the plugin's own, whose objects are not looked at here (getting one would run its code, or activate a
            // component, inside the framework's service hooks)
            return "";
        }
        BundleContext own = context;
        Object command = own == null ? null : own.getService(reference);
        if (command == null) {
            return "";
        }
        try {
            org.osgi.framework.wiring.BundleWiring wiring = provider.adapt(org.osgi.framework.wiring.BundleWiring.class);
            ClassLoader loader = command.getClass().getClassLoader();
            if (wiring != null && loader == wiring.getClassLoader()) {
                return "";
            }
            return "registered an object of " + command.getClass().getName() + ", not a class of its own, as the shell "
                    + "command " + reference.getProperty(SCOPE) + ":" + functions(reference.getProperty(FUNCTION))
                    + " (the shell would run that class's methods as the container)";
        } finally {
            own.ungetService(reference);
        }
    }

    /** The scoped name of a container command with this function (lower case), or null. */
    private String containerCommand(String function) {
        String builtIn = RUNTIME_BUILT_INS.get(function);
        if (builtIn != null) {
            return builtIn;
        }
        for (Map<String, String> functions : container.values()) {
            String scoped = functions.get(function);
            if (scoped != null) {
                return scoped;
            }
        }
        return null;
    }

    private static Map<String, String> scopedFunctions(ServiceReference<?> reference) {
        Object scopeProperty = reference.getProperty(SCOPE);
        String prefix = scopeProperty == null ? "" : String.valueOf(scopeProperty).trim() + ":";
        Map<String, String> scoped = new LinkedHashMap<>();
        for (String function : functions(reference.getProperty(FUNCTION))) {
            scoped.putIfAbsent(function.toLowerCase(Locale.ROOT), prefix + function);
        }
        return scoped;
    }

    /** The function names of {@code osgi.command.function}: one string, or an array or collection of them. */
    static List<String> functions(Object property) {
        List<String> names = new ArrayList<>();
        if (property instanceof Object[]) {
            for (Object name : (Object[]) property) {
                names.add(String.valueOf(name).trim());
            }
        } else if (property instanceof Collection) {
            ((Collection<?>) property).forEach(name -> names.add(String.valueOf(name).trim()));
        } else if (property != null) {
            names.add(String.valueOf(property).trim());
        }
        names.removeIf(String::isEmpty);
        return names;
    }

    private static long serviceId(ServiceReference<?> reference) {
        return (Long) reference.getProperty(org.osgi.framework.Constants.SERVICE_ID);
    }
}
