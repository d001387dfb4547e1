package org.carehost.security.internal;

import java.io.FileDescriptor;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Set;

/**
 * What a call at one of the agent's hooks asks for, read from the hook's id ({@code owner.method}), its receiver and
 * its arguments: a {@link Request}, or null when the call needs no decision (closing a file that is not a standard
 * stream, a JDK class loading its own native library, configuring a thread not yet started). Pure: no state, no
 * decision; {@link RuntimeRules} decides. The hooks of one kind each are read by a class of their own, static and
 * called from the switch below: {@link FileRequests}, {@link NetworkRequests}, {@link FrameworkRequests},
 * {@link JvmDefaults}, and {@link JvmRequests} (the JVM's own machinery: exit, system properties, threads, logging,
 * JMX, the JDK's tools).
 */
final class ChokePoints {

    enum Kind {
        FILE_READ, FILE_WRITE, FILE_LINK, CONNECT, LISTEN, LOOKUP, UNIX_SOCKET, PROCESS, ENV, NATIVE, REFLECT,
        /**
         * A descriptor of the process's is made, reaching nothing yet: a socket, pipe or selector (the subject:
         * {@code use:network}, the networking they are for) or a file watch service ({@code use:files}).
         */
        DESCRIPTOR,
        CLASS_LOADER, THREAD_START, THREAD_CONTROL, LOGGER, BUNDLE, CONTAINER, EXTENSION, CLAIM,
        /** A bundle (the subject) is started, or updated (which starts it again): lifts a quarantine. */
        BUNDLE_START,
        /** A security provider's entries (the subject: the provider) are changed. */
        PROVIDER,
        /** A bundle's entries (the files in its jar), listed, found or read: the subject is the bundle. */
        BUNDLE_ENTRIES,
        /** A task for a JDK executor (the subject) is made, starts to run, or a pool worker's task ended: never refused. */
        TASK_MADE, TASK_HANDED, TASK_REJECTED, TASK_RUN, TASK_ENDED,
        /** A pool is made, or starts a worker (the subject: {pool, thread factory} or {pool, thread}): never refused. */
        POOL_MADE, WORKER_START,
        /** A thread is started for one task only, or for a java.util.Timer (the subject: {task or timer, thread}). */
        TASK_THREAD, TIMER_THREAD,
        /** A proxy instance is made: the subject is {proxy, its invocation handler}. */
        PROXY,
        /** A class is loaded through a bundle (the subject) by name, its target: decided for extenders only. */
        BUNDLE_CLASS,
        /** Native memory taken ({@link NativeHoldings}: the subject is {object, bytes}), or given back (the object). */
        NATIVE_MEMORY, NATIVE_RELEASE,
        /** A monitor a plugin's code will hold: the subject is the object ({@link LockRule}). */
        MONITOR,
        /**
         * A class defined at run time: the subject is the class loader (one a plugin may have made) or the lookup
         * (whose class may be a plugin's); decided by whose it is, not by a cause.
         */
        DEFINE_CLASS
    }

    /**
     * Whether a request reaches outside the JVM's objects: a file, a socket, a process, a thread, the JVM's state. Not
     * reflection, class loaders, bundle entries, tasks, proxies, class loads, native memory or a claim (refused when a filter's
     * coercion or the shell's or SCR's reflection on a plugin's object makes one: {@link Causes.UnownedCall}).
     */
    static boolean reachesOut(Kind kind) {
        return switch (kind) {
            case REFLECT, CLASS_LOADER, BUNDLE_ENTRIES, CLAIM, TASK_MADE, TASK_HANDED, TASK_REJECTED, TASK_RUN,
                    TASK_ENDED, POOL_MADE, WORKER_START, TASK_THREAD, TIMER_THREAD, PROXY, BUNDLE_CLASS,
                    NATIVE_MEMORY, NATIVE_RELEASE, MONITOR, DEFINE_CLASS -> false;
            default -> true;
        };
    }

    /**
     * @param target what is reached, for the denial's message and audit record (a path, host:port, a name)
     * @param subject the object concerned, for the rules: a thread, a class, a bundle, a loader, a second path
     * @param port the port of a connection or listener, else -1
     * @param framework whether the hook is in the framework: the cause is then found past the framework's frames
     */
    record Request(Kind kind, String target, Object subject, int port, boolean framework) {

        static Request of(Kind kind, String target) {
            return new Request(kind, target, null, -1, false);
        }

        static Request of(Kind kind, String target, Object subject) {
            return new Request(kind, target, subject, -1, false);
        }
    }

    /**
     * Hooks the JDK itself uses on its own account (its lambdas call setAccessible, its initialisers read the system
     * properties and the environment, its reflection makes class loaders, its logging configures itself): when such
     * a call comes from JDK code it is the JDK's own and needs no decision; refusing it inside a class initialiser
     * would break that JDK class for the whole JVM. Files, sockets, processes, exit, the streams and JDK tools are
     * decided whoever calls.
     */
    private static final Set<String> JDK_OWN_USE = Set.of("java.lang.reflect.AccessibleObject.checkCanSetAccessible",
            "java.lang.invoke.MethodHandles.privateLookupIn", "java.lang.ClassLoader.<init>", "java.lang.System.getenv",
            "java.lang.System.getProperties", "java.util.ServiceLoader.load",
            // MimeTable's holder sets the default file name map in its initialiser, the first time anyone asks for it
            "java.net.URLConnection.setFileNameMap", "java.util.ServiceLoader.loadInstalled",
            "java.util.logging.LogManager.reset", "java.util.logging.LogManager.readConfiguration",
            "java.util.logging.LogManager.updateConfiguration", "java.util.logging.Logger.addHandler",
            "java.util.logging.Logger.removeHandler", "java.util.logging.Logger.setUseParentHandlers",
            "java.util.logging.Logger.setParent", "java.util.logging.Logger.setLevel", "java.util.logging.Logger.setFilter",
            "java.lang.Thread.interrupt", "java.lang.Thread.setPriority",
            "java.lang.Thread.setDaemon", "java.lang.Thread.setName", "java.lang.Thread.setUncaughtExceptionHandler",
            "java.lang.Thread.setContextClassLoader", "java.lang.management.ManagementFactory.getPlatformMBeanServer",
            "java.lang.management.ManagementFactory.getPlatformMXBean",
            "java.lang.management.ManagementFactory.getPlatformMXBeans",
            "java.lang.management.ManagementFactory.getRuntimeMXBean",
            "java.lang.management.ManagementFactory.getThreadMXBean",
            "java.lang.management.ManagementFactory.getMemoryMXBean", "java.util.logging.FileHandler.openFiles",
            "java.util.logging.SocketHandler.connect", "jdk.internal.foreign.AbstractMemorySegmentImpl.reinterpret",
            "jdk.internal.foreign.layout.ValueLayouts$OfAddressImpl.withTargetLayout");

    /** The framework extension hook, refused for everyone, nested or not. */
    static final String EXTENSION_HOOK = "org.apache.felix.framework.ExtensionManager.addExtensionBundle";

    /** Whether a hook is the framework's: its cause is found past the framework's frames ({@link Request#framework}). */
    static boolean throughFramework(String hook) {
        return hook.startsWith("org.apache.felix.framework.");
    }

    /** The JDK's own handler of annotation objects, which answers their members only. */
    static boolean isAnnotationHandler(Class<?> type) {
        return type.getClassLoader() == null && type.getName().equals("sun.reflect.annotation.AnnotationInvocationHandler");
    }

    /** Whether JDK code may make this call on its own account ({@link #JDK_OWN_USE}). */
    static boolean jdkMayUse(String hook) {
        return JDK_OWN_USE.contains(hook);
    }


    private ChokePoints() {
    }

    static Request read(String hook, Object self, Object[] args) {
        int dot = hook.lastIndexOf('.');
        String owner = hook.substring(0, dot);
        String method = hook.substring(dot + 1);
        if (owner.equals(ConsoleStreams.SESSION)) {
            return ConsoleStreams.sessionClosed();
        }
        if (method.equals("close") && !owner.equals("sun.nio.ch.FileChannelImpl")) {
            return ConsoleStreams.isStandard(self) ? Request.of(Kind.CONTAINER, "close the process's standard streams") : null;
        }
        switch (owner) {
            case "java.util.zip.Deflater": // native memory (NativeHoldings): made, ended, an arena's close
            case "java.util.zip.Inflater":
            case "java.nio.DirectByteBuffer":
            case "jdk.internal.foreign.SegmentFactories":
            case "jdk.internal.foreign.MemorySessionImpl":
                return NativeHoldings.request(owner, method, self, args);
            case "java.io.FileInputStream":
            case "java.io.FileOutputStream":
                if (method.equals("<init>")) {
                    return ConsoleStreams.onDescriptor(owner, args[0]);
                }
                if (method.equals("close")) {
                    return ConsoleStreams.standardStream(ConsoleStreams.descriptor(self)) ? Request.of(Kind.CONTAINER, "close the process's "
                            + "standard streams") : null;
                }
                return Request.of(owner.endsWith("InputStream") ? Kind.FILE_READ : Kind.FILE_WRITE, (String) args[0]);
            case "java.io.RandomAccessFile":
                return Request.of(((Integer) args[1] & 2) != 0 ? Kind.FILE_WRITE : Kind.FILE_READ, (String) args[0]);
            case "sun.nio.ch.FileChannelImpl":
                return ConsoleStreams.standardStream((FileDescriptor) self)
                        ? Request.of(Kind.CONTAINER, "close the process's standard streams") : null;
            case "java.io.File":
                return FileRequests.file(method, (String) self, args);
            case "java.util.concurrent.ThreadPoolExecutor":
            case "java.util.concurrent.ForkJoinPool":
                if (method.equals("<init>") || method.equals("workerStarts")) {
                    return PoolOwners.request(owner, method, self, args);
                }
                return TaskOrigins.request(method, self, args);
            case "java.util.concurrent.ForkJoinTask":
            case "java.util.concurrent.FutureTask":
                return TaskOrigins.request(method, self, args);
            case "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor":
                return Request.of(Kind.TASK_THREAD, null, new Object[] {self, args[0]});
            case "java.util.Timer":
                return Request.of(Kind.TIMER_THREAD, null, new Object[] {self, args[0]});
            case "sun.nio.fs.UnixFileSystemProvider":
            case "sun.nio.fs.AbstractFileSystemProvider": // setAttribute: Files.setAttribute, a write
                return FileRequests.provider(method, args);
            case "sun.nio.fs.LinuxFileSystemProvider": // its dos and user views, made without its super's hooked method
                return FileRequests.linuxOwn(method, args);
            case "sun.nio.fs.UnixSecureDirectoryStream":
                return FileRequests.secureDirectory(method);
            case "sun.nio.fs.LinuxWatchService": // the names of the files made in a folder
                return Request.of(Kind.FILE_READ, String.valueOf(args[0]));
            case "sun.nio.ch.sctp.SctpNet":
                return Request.of(Kind.CONTAINER, "open an SCTP socket (use:network covers TCP and UDP; SCTP connects "
                        + "past the checks of both)");
            case "sun.nio.ch.Net":
                if (method.equals("socket") || method.equals("serverSocket")) {
                    return new Request(Kind.DESCRIPTOR, "open a socket", org.carehost.security.Permission.USE_NETWORK,
                            -1, false);
                }
                return NetworkRequests.net(method, args);
            case "sun.nio.ch.SelectorProviderImpl":
                return new Request(Kind.DESCRIPTOR, "open a pipe", org.carehost.security.Permission.USE_NETWORK, -1,
                        false);
            case "sun.nio.ch.LinuxAsynchronousChannelProvider": // a channel group's own event port and its pipe
                return new Request(Kind.DESCRIPTOR, "open an asynchronous channel group",
                        org.carehost.security.Permission.USE_NETWORK, -1, false);
            case "sun.nio.ch.EPollSelectorProvider":
            case "sun.nio.ch.PollSelectorProvider":
                return new Request(Kind.DESCRIPTOR, "open a selector", org.carehost.security.Permission.USE_NETWORK,
                        -1, false);
            case "sun.nio.fs.LinuxFileSystem":
                return new Request(Kind.DESCRIPTOR, "open a file watch service", org.carehost.security.Permission.USE_FILES,
                        -1, false);
            case "sun.nio.ch.DatagramChannelImpl":
                return NetworkRequests.connect(find(args, SocketAddress.class));
            case "sun.nio.ch.UnixDomainSockets":
                if (method.equals("socket")) {
                    return new Request(Kind.DESCRIPTOR, "open a Unix-domain socket",
                            org.carehost.security.Permission.USE_NETWORK, -1, false);
                }
                Object where = args.length > 1 ? args[1] : null;
                return Request.of(Kind.UNIX_SOCKET, String.valueOf(where instanceof java.net.UnixDomainSocketAddress
                        ? ((java.net.UnixDomainSocketAddress) where).getPath() : where));
            case "java.net.InetAddress":
                if (method.equals("getHostFromNameService")) { // a reverse lookup: the address is the subject
                    InetAddress address = (InetAddress) args[0];
                    return new Request(Kind.LOOKUP, address.getHostAddress(), address, -1, false);
                }
                String host = method.equals("getLocalHost") ? "localhost" : (String) args[0];
                return host == null || host.isEmpty() ? null : Request.of(Kind.LOOKUP, host);
            case "jdk.internal.net.http.HttpClientImpl":
            case "jdk.internal.net.http.websocket.BuilderImpl":
                return NetworkRequests.web(args);
            case "sun.net.www.protocol.http.HttpURLConnection":
                return NetworkRequests.url(self);
            case "java.lang.ProcessImpl":
                return Request.of(Kind.PROCESS, String.join(" ", (String[]) args[0]));
            case "java.lang.ProcessBuilder":
                return Request.of(Kind.ENV, "the whole environment (ProcessBuilder.environment)");
            case "java.lang.ProcessHandleImpl": // any process of the same user: its command line, or a signal to it
                ProcessHandle process = (ProcessHandle) self;
                return Request.of(Kind.PROCESS, (method.equals("info") ? "read the command line of process "
                        : "destroy process ") + process.pid(), process);
            case "java.lang.foreign.Linker":
            case "java.lang.foreign.SymbolLookup":
                return Request.of(Kind.NATIVE, owner + "." + method + (args.length > 0 ? " " + args[0] : ""));
            case "jdk.internal.foreign.AbstractMemorySegmentImpl":
            case "jdk.internal.foreign.layout.ValueLayouts$OfAddressImpl":
                return Request.of(Kind.NATIVE, "reach native memory at any address (java.lang.foreign "
                        + (method.equals("reinterpret") ? "MemorySegment.reinterpret" : "AddressLayout.withTargetLayout")
                        + ")");
            case "java.lang.reflect.AccessibleObject":
                return Request.of(Kind.REFLECT, "setAccessible on " + ((Class<?>) args[1]).getName(), args[1]);
            case "java.lang.invoke.MethodHandles":
                return Request.of(Kind.REFLECT, "a private lookup in " + ((Class<?>) args[0]).getName(), args[0]);
            case "java.lang.reflect.Proxy":
                // classes alone (getClass is final): the checker calls none of a plugin's overrides
                if (args[0] == null || isAnnotationHandler(args[0].getClass())) {
                    return null; // the constructor throws; an annotation's members, read (made again at each read)
                }
                return Request.of(Kind.PROXY, "make a proxy handled by " + args[0].getClass().getName(),
                        new Object[] {self, args[0]});
            case "java.io.ObjectInputStream":
                return Request.of(Kind.CONTAINER, "read a proxy from a serialized stream (its handler, whatever the "
                        + "stream holds, would carry out its calls with no code of its own on the stack)");
            case "java.lang.invoke.MethodHandleProxies":
                return Request.of(Kind.CONTAINER, "make an interface instance of a method handle (MethodHandleProxies): "
                        + "its calls would run with no code of its own on the stack; implement the interface in a class "
                        + "of its own, or with a lambda");
            case "java.lang.ClassLoader":
                if (method.equals("defineClass")) {
                    return Request.of(Kind.DEFINE_CLASS, "define the class " + args[0] + " at run time, in a class "
                            + "loader of its own (" + self.getClass().getName() + ")", self);
                }
                return Request.of(Kind.CLASS_LOADER, "a class loader (" + self.getClass().getName() + ")", self);
            case "java.lang.invoke.MethodHandles$Lookup":
                return Request.of(Kind.DEFINE_CLASS, "define a class at run time (MethodHandles.Lookup." + method + ")",
                        self);
            case "java.security.Provider": // its class's name: the checker calls none of a plugin's overrides
                return Request.of(Kind.PROVIDER, "change the entries of the security provider "
                        + self.getClass().getName() + " (Provider." + method + ")", self);
            case "java.io.Reader": // Reader(Object lock) and Writer(Object lock): a plugin's subclass names the lock
            case "java.io.Writer":
                return args[0] == null || isJdk(self.getClass()) ? null
                        : Request.of(Kind.MONITOR, "a " + owner + " locking " + args[0].getClass().getName(), args[0]);
            case "org.apache.felix.log.LogServiceImpl": // getLogger(Bundle, name, type): entries as that bundle's
                return Request.of(Kind.BUNDLE, "log as bundle " + (args[0] instanceof org.osgi.framework.Bundle
                        ? ((org.osgi.framework.Bundle) args[0]).getSymbolicName() : String.valueOf(args[0])), args[0]);
            case "java.lang.Runtime": // the JVM's own machinery, shared by the container (JvmRequests)
            case "java.lang.System":
            case "java.lang.Thread":
            case "java.lang.VirtualThread":
            case "java.lang.ThreadGroup":
            case "sun.misc.Signal":
            case "java.util.ServiceLoader":
            case "java.util.spi.ToolProvider":
            case "javax.tools.ToolProvider":
            case "jdk.jshell.JShell":
            case "com.sun.tools.attach.VirtualMachine":
            case "java.util.prefs.Preferences":
            case "java.lang.management.ManagementFactory":
            case "javax.management.MBeanServerFactory":
            case "jdk.jfr.FlightRecorder":
            case "jdk.jfr.Recording":
            case "jdk.jfr.consumer.EventStream":
            case "java.util.logging.LogManager":
            case "java.util.logging.FileHandler":
            case "java.util.logging.SocketHandler":
            case "java.util.logging.Logger":
                return JvmRequests.read(owner, method, self, args);
            case "carehost":
                return Request.of(Kind.CLAIM, "claim the run-time enforcement gate", args[0]);
            default:
                if (FrameworkRequests.covers(owner)) {
                    return FrameworkRequests.read(owner, method, self, args);
                }
                if (ConsoleStreams.covers(owner)) {
                    return ConsoleStreams.gogo(owner, method, self);
                }
                if (JvmDefaults.covers(owner)) {
                    return JvmDefaults.request(owner, method);
                }
                return Request.of(Kind.CONTAINER, "an unknown hook " + hook);
        }
    }

    static boolean isJdk(Class<?> type) {
        Module module = type.getModule();
        return module.isNamed() && module.getLayer() == ModuleLayer.boot();
    }

    static <T> T find(Object[] args, Class<T> type) {
        for (Object arg : args) {
            if (type.isInstance(arg)) {
                return type.cast(arg);
            }
        }
        return null;
    }
}
