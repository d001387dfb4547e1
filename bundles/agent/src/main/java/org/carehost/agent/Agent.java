package org.carehost.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carehost's run-time enforcement agent. The JDK starts it before {@code main}: from {@code Launcher-Agent-Class}
 * when the container runs as {@code java -jar carehost.jar}, from {@code -javaagent} in tests. It
 * <ol>
 * <li>defines the gate ({@code java.lang.CarehostGate}, from {@code boot/Gate}) in {@code java.base}, through a
 * private lookup on {@code java.lang} that only this agent is given: the boot class loader sees it, and no file is
 * written for it;</li>
 * <li>adds a transformer that puts a call to the gate at the entry of each method in {@link Hooks}, and retransforms
 * the classes of those already loaded: those with a hook inside a method (at its exit, or at a call site: a worker's
 * loop may be running in them when they are replaced) at once, the others on a thread of its own beside the
 * container's start; the gate accepts a checker only once those are placed.</li>
 * </ol>
 * Until the security manager claims the gate, every check passes: nothing but container code runs before it. The
 * agent decides nothing itself. Written here rather than taken from a library: what it does is twenty lines of ASM,
 * and a byte-code library that loads before the framework would be one more thing for plugins to meet.
 */
public final class Agent {

    private static final String GATE_TEMPLATE = "org/carehost/agent/boot/Gate";

    private Agent() {
    }

    /** {@code -javaagent} (tests, benchmarks): no cache of hooked classes is kept. */
    public static void premain(String arguments, Instrumentation instrumentation) throws Exception {
        install(instrumentation, false);
    }

    /**
     * {@code Launcher-Agent-Class} of {@code java -jar carehost.jar}: the working directory is the container's folder,
     * where the framework's run path is unpacked ({@link Runpath}) and the hooked classes are kept ({@link HookCache}).
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) throws Exception {
        java.nio.file.Path root = java.nio.file.Paths.get("").toAbsolutePath();
        exitIfUnusable(WorkingFolder.problem(root));
        FelixUnsafeWarning.markWarned(instrumentation);
        install(instrumentation, true);
        // after the transformer is added: a hooked class it loads first (a channel, a directory stream) is then hooked
        // as it loads, where loaded before it would be retransformed, which the cache of hooked classes cannot match
        try (java.util.jar.JarFile jar = agentJar()) {
            exitIfUnusable(jar == null ? null : Runpath.prepare(jar, root));
        }
    }

    private static void exitIfUnusable(String problem) {
        if (problem != null) {
            System.err.println(problem);
            System.exit(WorkingFolder.STATUS);
        }
    }

    static synchronized void install(Instrumentation instrumentation, boolean keepHooks) throws Exception {
        if ("off".equals(System.getProperty("carehost.agent"))) {
            // for measuring its cost only (benchmarks): the security manager then says the run-time layer is off
            System.err.println("carehost: -Dcarehost.agent=off: the run-time enforcement layer is not installed");
            return;
        }
        if (gateDefined()) {
            return; // started twice (-javaagent and Launcher-Agent-Class): once is enough
        }
        HookCache cache;
        try (java.util.jar.JarFile jar = agentJar()) {
            defineGate(instrumentation, gateTemplate(jar));
            cache = keepHooks && jar != null ? HookCache.open(new java.io.File(HookCache.FILE).toPath(), jar)
                    : HookCache.none();
        }
        // package-private in java.lang, which the agent's module alone was opened (reflection: no method handle to spin
        // before main)
        Class<?> gate = Class.forName(HookTransformer.GATE.replace('/', '.'), false, null);
        java.lang.reflect.Method placing = gate.getDeclaredMethod("placing");
        java.lang.reflect.Method placed = gate.getDeclaredMethod("placed", String.class);
        java.lang.reflect.Method outsideTheJdk = gate.getDeclaredMethod("outsideTheJdk", String[].class);
        placing.setAccessible(true);
        placed.setAccessible(true);
        outsideTheJdk.setAccessible(true);
        Hooks hooks = new Hooks();
        // asked before the transformer is added: walking the hooks loads JDK classes (a list's iterator) which, loaded
        // while the transformer runs for them, would be a class circularity (java -jar's agentmain on JDK 17)
        java.util.Set<String> owners = hooks.owners();
        java.util.Set<String> insideMethods = new java.util.HashSet<>();
        for (String owner : owners) {
            if (hooks.hooksInsideMethods(owner)) {
                insideMethods.add(owner);
            }
        }
        hooks.callsIn("");
        List<String> notTheJdks = new ArrayList<>();
        for (String owner : owners) {
            if (!jdks(owner)) {
                notTheJdks.add(owner.replace('/', '.'));
            }
        }
        outsideTheJdk.invoke(null, (Object) notTheJdks.toArray(new String[0]));
        java.lang.reflect.Method callers = gate.getDeclaredMethod("callers", String[].class);
        callers.setAccessible(true);
        callers.invoke(null, (Object) hooks.callers());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        instrumentation.addTransformer(new HookTransformer(hooks, failures, cache), true);
        List<Class<?>> atOnce = new ArrayList<>();
        List<Class<?>> beside = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            String name = type.getName().replace('.', '/');
            if (owners.contains(name) && instrumentation.isModifiableClass(type)) {
                (insideMethods.contains(name) ? atOnce : beside).add(type);
            }
        }
        try {
            if (!atOnce.isEmpty()) {
                instrumentation.retransformClasses(atOnce.toArray(new Class<?>[0]));
            }
        } catch (Throwable e) {
            cache.discard(); // what it holds may be why: the next start hooks every class again
            throw e;
        }
        if (!failures.isEmpty()) {
            cache.discard();
            throw new IllegalStateException("Carehost agent could not hook " + failures);
        }
        // The rest beside the container's start, on a thread of the agent's: ASM's first run on them, cold, cost about
        // a quarter of a second before main. Only entry hooks are placed there, and until a checker is claimed every
        // check passes; the gate's claim waits for them (Gate.placing), so no check is ever missed after a claim.
        placing.invoke(null);
        Thread thread = new Thread(new PlaceBeside(instrumentation, beside, owners, failures, placed, cache),
                "carehost-agent-hooks");
        thread.setDaemon(true);
        thread.start();
        if (keepHooks) { // the classes hooked after the agent's thread wrote the cache: the container's, and later ones
            Runtime.getRuntime().addShutdownHook(new Thread(new Save(cache), "carehost-agent-cache"));
        }
    }

    /**
     * Retransforms the classes loaded before the agent whose hooks are all at a method's entry, then tells the gate.
     * Should any hook fail (these, or a class's loaded meanwhile), the gate is never told, so no checker can be claimed,
     * and the JVM is halted, as it would not have started had the agent failed before main. A class rather
     * than a lambda: the JVM's first lambda would cost its bootstrap before main.
     */
    private static final class PlaceBeside implements Runnable {
        private final Instrumentation instrumentation;
        private final List<Class<?>> classes;
        private final List<String> failures;
        private final java.lang.reflect.Method placed;
        private final java.util.Set<String> owners;
        private final HookCache cache;

        PlaceBeside(Instrumentation instrumentation, List<Class<?>> classes, java.util.Set<String> owners,
                List<String> failures, java.lang.reflect.Method placed, HookCache cache) {
            this.instrumentation = instrumentation;
            this.classes = classes;
            this.owners = owners;
            this.failures = failures;
            this.placed = placed;
            this.cache = cache;
        }

        @Override
        public void run() {
            String problem;
            try {
                if (!classes.isEmpty()) {
                    instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
                }
                loadTheJdksOthers();
                synchronized (failures) { // these classes', and any class's loaded meanwhile: none may go unhooked
                    problem = failures.isEmpty() ? null : failures.toString();
                }
            } catch (Throwable e) {
                problem = e.toString();
            }
            if (problem == null) {
                try {
                    placed.invoke(null, (Object) null);
                } catch (Throwable e) {
                    problem = "(the gate could not be told: " + e + ")";
                }
            }
            if (problem == null) {
                try {
                    cache.save(); // the JDK's hooked classes, all loaded now
                } catch (Throwable e) {
                    // the cache only saves time: the hooks are placed
                }
                return;
            }
            // Fail closed: the gate is never told, so a claim waits (no checker, no plugin start) until the JVM halts.
            cache.discard(); // what it holds may be why: the next start hooks every class again
            halt(problem);
        }

        /**
         * Loads (without initialising) every hooked JDK class not loaded yet, here, where it is hooked on a known
         * stack before any checker is claimed. Loaded later by a plugin's thread, a hooked class could meet a stack
         * run out on purpose just before the JDK's own transform code (where the JDK swallows the error and defines
         * the class unhooked); the transformer refuses to define a class it could not hook, but it cannot act on an
         * error thrown before it is called. A class whose module this JDK lacks is skipped: no one can load it.
         */
        private void loadTheJdksOthers() {
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            for (String owner : owners) {
                if (!jdks(owner)) {
                    continue; // the container's own (the framework, Config Admin, the shell): the checker loads them
                }
                try {
                    Class.forName(owner.replace('/', '.'), false, platform);
                } catch (ClassNotFoundException absent) {
                    // not in this JDK, or its module not in the boot layer
                } catch (LinkageError e) {
                    failures.add(owner.concat(": ").concat(e.toString()));
                }
            }
        }

        private static void halt(String problem) {
            try {
                System.err.println("Carehost agent could not hook " + problem + ": the container stops");
            } finally {
                Runtime.getRuntime().halt(1);
            }
        }
    }

    /** Writes the cache of hooked classes as the JVM exits, if a class was hooked that it lacks. */
    private static final class Save implements Runnable {
        private final HookCache cache;

        Save(HookCache cache) {
            this.cache = cache;
        }

        @Override
        public void run() {
            cache.save();
        }
    }

    /** Whether a hooked class is the JDK's (the agent loads it before the claim) or the container's (the checker does). */
    static boolean jdks(String owner) {
        return owner.startsWith("java/") || owner.startsWith("javax/") || owner.startsWith("jdk/")
                || owner.startsWith("sun/") || owner.startsWith("com/sun/");
    }

    private static boolean gateDefined() {
        try {
            Class.forName(HookTransformer.GATE.replace('/', '.'), false, null);
            return true;
        } catch (ClassNotFoundException notYet) {
            return false;
        }
    }

    private static void defineGate(Instrumentation instrumentation, byte[] template)
            throws IOException, IllegalAccessException {
        Module base = Object.class.getModule();
        instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(Agent.class.getModule())),
                Set.of(), Map.of());
        // renamed in its constant pool alone: ASM's first run, cold, cost the start tens of milliseconds before main
        MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup())
                .defineClass(ClassRename.rename(template, GATE_TEMPLATE, HookTransformer.GATE));
    }

    /** The agent's own jar, opened, or null when its classes come from a folder (the agent's own unit tests). */
    private static java.util.jar.JarFile agentJar() throws IOException {
        java.security.CodeSource source = Agent.class.getProtectionDomain().getCodeSource();
        java.net.URL location = source == null ? null : source.getLocation();
        if (location != null && "file".equals(location.getProtocol()) && location.getPath().endsWith(".jar")) {
            try {
                return new java.util.jar.JarFile(new java.io.File(location.toURI()), false);
            } catch (java.net.URISyntaxException | IllegalArgumentException notAFile) {
                return null;
            }
        }
        return null;
    }

    /**
     * The gate's class file, read from the agent's jar itself: a class loader's resource look-up, cold, asks the boot
     * layer's modules and a jar URL connection first (about ten milliseconds before main); from a folder (the agent's
     * own unit tests), as a resource.
     */
    private static byte[] gateTemplate(java.util.jar.JarFile jar) throws IOException {
        String entry = GATE_TEMPLATE.concat(".class");
        java.util.zip.ZipEntry found = jar == null ? null : jar.getEntry(entry);
        if (found != null) {
            try (InputStream in = jar.getInputStream(found)) {
                return in.readAllBytes();
            }
        }
        try (InputStream in = Agent.class.getResourceAsStream("/".concat(entry))) {
            if (in == null) {
                throw new IOException("the gate's class file is missing from the agent jar");
            }
            return in.readAllBytes();
        }
    }
}
