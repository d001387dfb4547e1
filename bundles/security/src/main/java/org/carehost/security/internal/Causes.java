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
 * cannot stop another bundle through it;</li>
 * <li>a frame where a task for one of the JDK's executors runs (a fork-join task, a {@code FutureTask}) that a plugin
 * made makes that plugin the cause ({@link TaskOrigins}): work handed to the common pool is its maker's;</li>
 * <li>a stack with no such frame (a thread running only JDK code) belongs to the plugin that started the thread,
 * if one did, else to the container.</li>
 * </ul>
 * Classes defined by a class loader a plugin created count as that plugin's. While a container bundle acts for a
 * plugin ({@link Deputies}), its own frames are passed over and its {@code actFor} frame makes that plugin the cause.
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
    private final Deputies deputies;

    Causes(PluginScope scope) {
        this(scope, null);
    }

    Causes(PluginScope scope, Deputies deputies) {
        this.scope = scope;
        this.deputies = deputies;
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
        Deputies.Acting acting = deputies == null ? null : deputies.here();
        while (it.hasNext()) {
            StackWalker.StackFrame frame = it.next();
            int depth = total - index++;
            if (acting != null && actsFor(frame, acting)) {
                if (Deputies.isMark(frame)) {
                    return acting.plugin();
                }
                continue; // the deputy bundle's own code, working for the plugin
            }
            Object origin = originOf(frame.getDeclaringClass(), throughFramework);
            if (origin == CONTAINER) {
                return null;
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

    /** Whether a frame is the deputy's: its {@code actFor} mark, or its bundle's own code. */
    private boolean actsFor(StackWalker.StackFrame frame, Deputies.Acting acting) {
        if (Deputies.isMark(frame)) {
            return true;
        }
        Object definer = definers.get(frame.getDeclaringClass());
        return definer instanceof Bundle && ((Bundle) definer).getBundleId() == acting.deputy();
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
            int index = 0;
            int hooked = -1;
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (hooked < 0 && frame.getDeclaringClass() == GATE) {
                    hooked = index + 1;
                }
                index++;
            }
            return hooked < 0 ? -1 : index - hooked;
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
            return bundle == null ? CLASS_PATH : bundle;
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
