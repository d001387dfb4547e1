package org.carehost.security.internal;

import java.util.Set;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * What a call at a hook on the JVM's own machinery asks for (part of {@link ChokePoints}): exit, halt, shutdown hooks
 * and native libraries ({@code Runtime}), the environment, system properties and standard streams ({@code System}),
 * threads and thread groups, signals, JDK logging, JMX, the flight recorder, preferences and the JDK's tools. Each is
 * the one JVM the container runs in too: most are the container's ({@link Kind#CONTAINER}) whoever asks; the
 * environment, a native library, a thread started or controlled and a logger are left to {@link RuntimeRules} and the
 * plugin's grants.
 *
 * <p>Apart from {@code ChokePoints}, which reads the calls that reach files, sockets, processes, reflection, class
 * loaders and tasks, and dispatches these here by the hook's class. Pure, like {@link ChokePoints}: no state, no
 * decision.
 */
final class JvmRequests {

    private static final Set<String> TOOL_SERVICES = Set.of("java.util.spi.ToolProvider", "javax.tools.Tool",
            "javax.tools.JavaCompiler", "javax.tools.DocumentationTool", "javax.script.ScriptEngineFactory",
            "jdk.jshell.spi.ExecutionControlProvider", "com.sun.tools.attach.spi.AttachProvider");

    private JvmRequests() {
    }

    /** The request of a hook on one of the classes {@link ChokePoints#read} hands here. */
    static Request read(String owner, String method, Object self, Object[] args) {
        switch (owner) {
            case "sun.misc.Signal":
                return Request.of(Kind.CONTAINER, "handle or raise the JVM's signals (sun.misc.Signal." + method
                        + "): a TERM raised stops the container, a handler replaced keeps it from stopping");
            case "java.lang.Runtime":
                return runtime(method, args);
            case "java.lang.System":
                return system(method, args);
            case "java.lang.Thread":
            case "java.lang.VirtualThread":
                return thread(method, (Thread) self);
            case "java.lang.ThreadGroup":
                return Request.of(Kind.CONTAINER, "ThreadGroup." + method + " (threads of others)");
            case "java.util.ServiceLoader":
                Class<?> service = ChokePoints.find(args, Class.class);
                return service != null && TOOL_SERVICES.contains(service.getName())
                        ? Request.of(Kind.CONTAINER, "run a JDK tool (" + service.getName() + ") in the container's JVM")
                        : null;
            case "java.util.spi.ToolProvider":
            case "javax.tools.ToolProvider":
            case "jdk.jshell.JShell":
            case "com.sun.tools.attach.VirtualMachine":
                return Request.of(Kind.CONTAINER, "run a JDK tool (" + owner + "." + method + ")");
            case "java.util.prefs.Preferences":
                return Request.of(Kind.CONTAINER, "use java.util.prefs (Preferences." + method + "): the JDK stores "
                        + "preferences outside its folder, from a thread of its own; keep settings in its folder or the "
                        + "plugin data service");
            case "java.lang.management.ManagementFactory":
            case "javax.management.MBeanServerFactory":
                return Request.of(Kind.CONTAINER, "use JMX (" + owner + "." + method + ")");
            case "jdk.jfr.FlightRecorder":
            case "jdk.jfr.Recording":
            case "jdk.jfr.consumer.EventStream":
                return Request.of(Kind.CONTAINER, "use the flight recorder (" + owner + ")");
            case "java.util.logging.LogManager":
                return Request.of(Kind.CONTAINER, "configure JDK logging (LogManager." + method + ")");
            case "java.util.logging.FileHandler":
                return Request.of(Kind.CONTAINER, "open a JDK logging FileHandler (files its pattern names, outside "
                        + "the plugin's folder by default)");
            case "java.util.logging.SocketHandler":
                return Request.of(Kind.CONTAINER, "open a JDK logging SocketHandler (a connection the network grant "
                        + "does not see)");
            case "java.util.logging.Logger":
                return Request.of(Kind.LOGGER, "Logger." + method + " on '" + ((java.util.logging.Logger) self).getName()
                        + "'", self);
            default:
                return Request.of(Kind.CONTAINER, "an unknown hook " + owner + "." + method);
        }
    }

    private static Request runtime(String method, Object[] args) {
        switch (method) {
            case "exit": return Request.of(Kind.CONTAINER, "exit the JVM (System.exit)");
            case "halt": return Request.of(Kind.CONTAINER, "halt the JVM");
            case "addShutdownHook": case "removeShutdownHook": return Request.of(Kind.CONTAINER, "JVM shutdown hooks");
            default: // load0, loadLibrary0: the JDK loading its own libraries needs no decision
                Class<?> from = (Class<?>) args[0];
                return from != null && ChokePoints.isJdk(from) ? null
                        : Request.of(Kind.NATIVE, "native library " + args[1]);
        }
    }

    private static Request system(String method, Object[] args) {
        switch (method) {
            case "getenv": return Request.of(Kind.ENV, args.length == 0 ? "the whole environment" : (String) args[0]);
            case "setIn": case "setOut": case "setErr": return Request.of(Kind.CONTAINER, "replace System." + method
                    .substring(3).toLowerCase(java.util.Locale.ROOT));
            case "getProperties": return Request.of(Kind.CONTAINER, "the mutable system properties (System.getProperties;"
                    + " System.getProperty reads one)");
            case "console": return ConsoleStreams.console();
            case "setSecurityManager": return Request.of(Kind.CONTAINER, "set a security manager");
            default: return Request.of(Kind.CONTAINER, "change system properties (System." + method + ")");
        }
    }

    private static Request thread(String method, Thread thread) {
        if (method.equals("start")) {
            return Request.of(Kind.THREAD_START, thread.getName(), thread);
        }
        if (method.equals("enumerate") || method.equals("getAllStackTraces")
                || method.equals("setDefaultUncaughtExceptionHandler")) {
            return Request.of(Kind.CONTAINER, "Thread." + method + " (every thread of the JVM)");
        }
        if (thread == null || thread == Thread.currentThread() || thread.getState() == Thread.State.NEW) {
            return null; // its own thread, or one it is still setting up
        }
        return Request.of(Kind.THREAD_CONTROL, "Thread." + method + " on '" + thread.getName() + "'", thread);
    }
}
