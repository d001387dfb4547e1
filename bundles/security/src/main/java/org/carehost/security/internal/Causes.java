package org.carehost.security.internal;

import java.util.EnumSet;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

/**
 * Which plugin, if any, is the cause of a call the agent stopped at. The rule, as the JDK SecurityManager's stack
 * inspection had it but without {@code doPrivileged}: the stack is walked from the innermost frame outwards;
 * <ul>
 * <li>JDK frames, and frames of the libraries plugins may import (the SDK, Jackson, the OSGi utility and API
 * bundles: {@link #LIBRARIES}), are passed over: they act for whoever called them, so a plugin cannot act through
 * them;</li>
 * <li>the first plugin frame makes that plugin the cause;</li>
 * <li>the first other container frame (a host service, the store, the audit journal, SCR, Event Admin, Config
 * Admin, the framework) makes the container the cause: container code called by a plugin acts on its own account,
 * and checks what plugins ask of it itself (grants, the import allow-list, the descriptor and activator checks). For
 * the framework's own hooks (bundle lifecycle, install) the framework's frames are passed over too, so that a plugin
 * cannot stop another bundle through it. Container code entered for its caller, by reflection, a method handle or
 * Jackson ({@link #enteredForCaller}), is not called through an API of the container's: its frames are passed over
 * and the walk goes on (save a class initialiser, which is the class's own whoever triggers it);</li>
 * <li>a frame where a task for one of the JDK's executors runs (a fork-join task, a {@code FutureTask}) that a plugin
 * made makes that plugin the cause ({@link TaskOrigins}): work handed to the common pool is its maker's;</li>
 * <li>a stack with no such frame (a thread running only JDK code) belongs to the plugin that started the thread,
 * if one did, else to the container.</li>
 * </ul>
 * Container classes that run what their caller hands them (CareContexts.carry's wrapper) are passed over like
 * library code, when their bundle names them in the {@value #ACTS_FOR_CALLER} manifest header.
 * Classes defined by a class loader a plugin created count as that plugin's.
 */
final class Causes {

    /** Container bundles plugins may import from, whose code acts for its caller (symbolic name prefixes). */
    static final String[] LIBRARIES = {"org.carehost.sdk", "com.fasterxml.jackson.", "org.osgi.util.",
        "org.osgi.service.", "slf4j.api", "org.apache.aries.spifly"};

    /** The agent's gate: the hooked method's frame is the one below it. */
    private static final Class<?> GATE = gate();

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final PluginScope scope;
    private final StackWalker walker = StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_HIDDEN_FRAMES));
    // by identity: a plugin's Thread or ClassLoader subclass may override hashCode and equals
    private final WeakIdentityMap<Bundle> threads = new WeakIdentityMap<>();
    private final WeakIdentityMap<Bundle> loaders = new WeakIdentityMap<>();
    private final TaskOrigins tasks = new TaskOrigins();

    Causes(PluginScope scope) {
        this.scope = scope;
    }

    /** The plugin that causes the current call, or null for the container. */
    Bundle current(boolean throughFramework) {
        if (!tasks.anyHere()) {
            return walker.walk(frames -> causeIn(frames.iterator(), throughFramework, -1));
        }
        // a task a plugin made runs on this thread: the depth of each frame tells which task it is
        return walker.walk(frames -> {
            java.util.List<StackWalker.StackFrame> all = frames.collect(java.util.stream.Collectors.toList());
            return causeIn(all.iterator(), throughFramework, all.size());
        });
    }

    /** The walk of {@link #current}; total is the stack's depth when tasks are noted on this thread, else -1. */
    private Bundle causeIn(java.util.Iterator<StackWalker.StackFrame> it, boolean throughFramework, int total) {
        int index = 0;
        // the checker's own frames, down to the gate, are not the call's: skip them
        StackWalker.StackFrame gate = null;
        while (it.hasNext() && gate == null) {
            StackWalker.StackFrame frame = it.next();
            index++;
            gate = frame.getDeclaringClass() == GATE ? frame : null;
        }
        if (gate != null && gate.getMethodName().equals("check") && it.hasNext()) {
            it.next(); // the hooked method itself, which may be a container bundle's (the shell's streams)
            index++;
        }
        while (it.hasNext()) {
            StackWalker.StackFrame frame = it.next();
            int depth = total - index++;
            Object origin = originOf(frame.getDeclaringClass(), throughFramework);
            if (origin == CONTAINER) {
                // container code, on its own account, unless it was entered for its caller (below): then the walk
                // goes on past the container's frames to that caller
                boolean initialising = frame.getMethodName().equals("<clinit>");
                StackWalker.StackFrame caller = null;
                while (caller == null && it.hasNext()) {
                    StackWalker.StackFrame next = it.next();
                    index++;
                    if (originOf(next.getDeclaringClass(), throughFramework) == CONTAINER) {
                        initialising |= next.getMethodName().equals("<clinit>");
                    } else {
                        caller = next;
                    }
                }
                if (initialising || caller == null || !enteredForCaller(caller.getDeclaringClass())) {
                    return null;
                }
                continue;
            }
            if (origin != null) {
                return (Bundle) origin;
            }
            if (total >= 0 && TaskOrigins.isTaskFrame(frame)) {
                Bundle maker = tasks.at(depth);
                if (maker != null) {
                    return maker;
                }
            }
        }
        return threads.get(Thread.currentThread());
    }

    /**
     * Whether container code was entered for its caller, not called by it: by reflection or a method handle (a plugin
     * granted use:reflection invoking a public method of a container class; Jackson setting a property), or by Jackson
     * itself (a serializer or deserializer a container class names, which a plugin's mapper can be driven to by class
     * name). Container code entered so acts for whoever is found further out; a class's initialiser stays its own.
     */
    private boolean enteredForCaller(Class<?> caller) {
        String name = caller.getName();
        if (name.startsWith("java.lang.reflect.") || name.startsWith("jdk.internal.reflect.")
                || name.startsWith("java.lang.invoke.")) {
            return true;
        }
        Object definer = definers.get(caller);
        return definer instanceof Bundle && !scope.isPlugin((Bundle) definer)
                && String.valueOf(((Bundle) definer).getSymbolicName()).startsWith("com.fasterxml.jackson.");
    }

    /** A task for a JDK executor is being made (the agent's hook in its constructor): a plugin's is recorded. */
    void taskMade(Object task) {
        Bundle plugin = current(false);
        if (plugin != null) {
            tasks.made(task, plugin);
        }
    }

    /** A task starts to run (the agent's hook at its entry, the frame below the gate's). */
    void taskRuns(Object task) {
        if (!tasks.concerns(task)) {
            return; // the container's task, on a thread with no note: nothing to do, and no walk
        }
        int depth = walker.walk(frames -> {
            // the depth of the task's frame: the hooked method itself (a task's run), or the first task frame below it
            // (ThreadPoolExecutor.runWorker below beforeExecute)
            int index = 0;
            int frameOfTask = -1;
            boolean gate = false;
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (!gate) {
                    gate = frame.getDeclaringClass() == GATE;
                } else if (frameOfTask < 0 && TaskOrigins.isTaskFrame(frame)) {
                    frameOfTask = index;
                }
                index++;
            }
            return frameOfTask < 0 ? -1 : index - frameOfTask;
        });
        if (depth > 0) {
            tasks.started(task, depth);
        }
    }

    private static Class<?> gate() {
        try {
            return Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException noAgent) {
            return Causes.class; // never on a stack below the checker: without the agent there are no checks
        }
    }

    /**
     * Whether the hooked method was called by JDK code on its own account: the first frame below it that is not
     * the hooked class or a JDK override of the hooked method, reflection or method-handle machinery, nor a class
     * loader's constructor chain, is a JDK class.
     */
    boolean calledByJdk() {
        return walker.walk(frames -> {
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            boolean gate = false;
            while (it.hasNext() && !gate) {
                gate = it.next().getDeclaringClass() == GATE;
            }
            if (!it.hasNext()) {
                return false;
            }
            StackWalker.StackFrame hookedFrame = it.next();
            Class<?> hooked = hookedFrame.getDeclaringClass();
            String hookedMethod = hookedFrame.getMethodName();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                Class<?> type = frame.getDeclaringClass();
                String name = type.getName();
                // a JDK override of the hooked method calling super is the call itself, not its caller (the root
                // logger's addHandler is LogManager$RootLogger's, whoever calls it); a plugin's override is not
                boolean override = type != hooked && hooked.isAssignableFrom(type) && ChokePoints.isJdk(type)
                        && frame.getMethodName().equals(hookedMethod);
                boolean machinery = type == hooked || override || name.startsWith("java.lang.reflect.")
                        || name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.invoke.")
                        || frame.getMethodName().equals("<init>") && ClassLoader.class.isAssignableFrom(type);
                if (!machinery) {
                    return ChokePoints.isJdk(type);
                }
            }
            return false;
        });
    }

    /** Marks a thread as started by a plugin: a stack of JDK code only on it is the plugin's. */
    void started(Thread thread, Bundle plugin) {
        threads.put(thread, plugin);
    }

    /** Marks a class loader as created by a plugin: classes it defines are the plugin's. */
    void created(ClassLoader loader, Bundle plugin) {
        loaders.put(loader, plugin);
    }

    /** Whether the plugin started this thread (it may control its own threads). */
    boolean startedBy(Thread thread, Bundle plugin) {
        Bundle starter = threads.get(thread);
        return starter != null && starter.getBundleId() == plugin.getBundleId();
    }

    /** Threads the plugin started that are still running. */
    int liveThreads(Bundle plugin) {
        int live = 0;
        for (Map.Entry<Object, Bundle> entry : threads.snapshot().entrySet()) {
            if (entry.getValue().getBundleId() == plugin.getBundleId() && ((Thread) entry.getKey()).isAlive()) {
                live++;
            }
        }
        return live;
    }

    /** The running threads each plugin started. */
    Map<Bundle, java.util.List<Thread>> threadsByPlugin() {
        Map<Long, Bundle> plugins = new java.util.HashMap<>();
        Map<Bundle, java.util.List<Thread>> all = new java.util.HashMap<>();
        threads.snapshot().forEach((thread, plugin) -> {
            if (((Thread) thread).isAlive()) {
                Bundle key = plugins.computeIfAbsent(plugin.getBundleId(), id -> plugin);
                all.computeIfAbsent(key, id -> new java.util.ArrayList<>()).add((Thread) thread);
            }
        });
        return all;
    }

    /** "A container frame": the walk stops there. */
    private static final Object CONTAINER = new Object();

    /*
     * What a class's frame says of the cause, as far as it cannot change while the class exists: the JDK's (pass
     * over), the framework's, the container's class path, or the bundle that defines it (whether that bundle is a
     * plugin is decided at each check: its start level may change). Cached per class, so that a walk asks no lock
     * and no class loader. The values are JDK objects or bundles, never this bundle's, so that the classes the cache
     * hangs on keep nothing of a stopped security manager.
     */
    private static final Object PASS = "pass";
    private static final Object FELIX = Boolean.TRUE;
    private static final Object CLASS_PATH = Boolean.FALSE;

    private final ClassValue<Object> definers = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return definerOf(type);
        }
    };

    /** The plugin (a Bundle) a frame's class belongs to, {@link #CONTAINER} for the container, null to pass over it. */
    private Object originOf(Class<?> type, boolean throughFramework) {
        Object definer = definers.get(type);
        if (definer == PASS) {
            return null;
        }
        if (definer instanceof Bundle) {
            Bundle bundle = (Bundle) definer;
            if (scope.isPlugin(bundle)) {
                return bundle;
            }
            return isLibrary(bundle) ? null : CONTAINER;
        }
        return definer == FELIX && throughFramework ? null : CONTAINER;
    }

    private Object definerOf(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return PASS; // the boot class loader: the JDK, and the gate
        }
        Bundle creator = loaders.get(loader);
        if (creator != null) {
            return creator;
        }
        if (loader instanceof BundleReference) {
            Bundle bundle = ((BundleReference) loader).getBundle();
            return bundle == null ? CLASS_PATH : actsForCaller(bundle, type) ? PASS : bundle;
        }
        if (ChokePoints.isJdk(type) || loader == PLATFORM || java.lang.reflect.Proxy.isProxyClass(type)
                || loader.getClass().getName().startsWith("jdk.internal.reflect.")) {
            // the JDK, and classes the JDK spins itself: reflection accessors, method handle forms, and proxies (what
            // a proxy does is its handler's, whose frame follows; JDK 17 defines a method handle's proxy in the
            // application class loader, which would otherwise make it the container's)
            return PASS;
        }
        if (type.getName().startsWith("org.apache.felix.framework.URLHandlers")) {
            // the framework's URL handler proxies act for whoever uses the URL: through them URL.equals and
            // hashCode look hosts up (a DNS query carries data out) and URLs open for the plugin that holds them
            return PASS;
        }
        if (type.getName().startsWith("org.apache.felix.framework.")) {
            return FELIX;
        }
        return CLASS_PATH; // the class path: the framework, the launcher, the agent
    }

    /**
     * Whether a container class runs work its caller hands it, and so acts for that caller: its bundle names it in
     * {@value #ACTS_FOR_CALLER} (CareContexts.carry's wrapper, say, which binds the care context and calls the caller's
     * Callable: were its frame the container's, a plugin's task of JDK code only, carried, would pass as the
     * container's). Its lambdas are its own. Plugins' headers are never read here: their classes are theirs.
     */
    private boolean actsForCaller(Bundle bundle, Class<?> type) {
        Object header = bundle.getHeaders("").get(ACTS_FOR_CALLER);
        if (header == null || scope.isPlugin(bundle)) {
            return false;
        }
        String name = type.getName();
        int lambda = name.indexOf("$$Lambda");
        String owner = lambda < 0 ? name : name.substring(0, lambda);
        for (String listed : header.toString().split(",")) {
            if (listed.trim().equals(owner)) {
                return true;
            }
        }
        return false;
    }

    /** The manifest header in which a container bundle names its classes that act for their caller. */
    static final String ACTS_FOR_CALLER = "Carehost-Acts-For-Caller";

    private static boolean isLibrary(Bundle bundle) {
        String name = bundle.getSymbolicName();
        if (name == null) {
            return false;
        }
        for (String library : LIBRARIES) {
            if (name.startsWith(library)) {
                return true;
            }
        }
        return false;
    }
}
