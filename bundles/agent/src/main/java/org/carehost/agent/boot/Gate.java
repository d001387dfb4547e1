package org.carehost.agent.boot;

import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The bridge between the JDK's instrumented methods and the container's checker. This class is never loaded under
 * this name: the agent renames it to {@code java.lang.CarehostGate} and defines it in {@code java.base}, so that
 * code in every module, the boot class loader's included, can call it; no file is extracted for it.
 *
 * <p>Every hooked method calls {@link #check} first. Until a checker is claimed (the security manager does so when
 * it starts, before any plugin) every call passes. A checker is replaced only with the consent of the one in place,
 * which refuses a claim made by a plugin.
 *
 * <p>A check made while the checker already runs on the same thread, at any depth, is passed to the checker too, its
 * hook prefixed with {@link #NESTED}: the checker's own file reads and audit writes must pass there, but a plugin's
 * code that the checker happens to call (an override of a method of an object it reads) must not run unchecked, nor
 * code that this code gets the checker to call in turn. The checker decides a nested check from the stack alone,
 * reading none of the call's objects, so that no plugin code runs inside it and the nesting ends. Should it go deeper
 * than {@link #DEEPEST} all the same (a checker calling itself without end), the gate refuses the call itself rather
 * than pass it or overflow the stack: it decides from the depth, which is state, and throws a
 * {@link SecurityException}.
 *
 * <p>It also carries the stop of a plugin's code ({@link #poll}): Java cannot stop a thread from outside (a loop that
 * ignores interrupts runs for good), so the security manager weaves a poll into each plugin class at each method's
 * entry, backward jump and exception handler, and stops the class loaders of a quarantined plugin
 * ({@link #stopCode}); every poll in their code then asks the checker, which ends the thread's run of that code.
 */
public final class Gate implements java.util.function.Function<java.util.stream.Stream<StackWalker.StackFrame>,
        StackWalker.StackFrame> {

    /** The prefix of a hook's id when the check is made while the checker already runs on this thread. */
    public static final String NESTED = "nested:";

    /** The deepest a check may be nested: deeper, the gate refuses the call without asking the checker. */
    public static final int DEEPEST = 8;

    /** The hook's id of a poll made in stopped code: the checker throws, or never returns. */
    public static final String CODE_STOPPED = "carehost.code-stopped";

    /**
     * The hook's id of a poll made at an exception handler in stopped code: the checker lets the handler run (the
     * release of a monitor, a {@code finally}), unless the thread keeps entering handlers there, as a loop made of
     * exceptions does.
     */
    public static final String HANDLER_STOPPED = "carehost.handler-stopped";

    /** The hook's id with which the checker is asked to consent to a change of the stopped code. */
    public static final String STOP_CODE = "carehost.stop-code";

    /**
     * The hook's id of the check the security manager weaves before each {@code monitorenter} of a plugin class: called
     * by plugin code, so from any class; it only asks whether the class calling it may lock the object it names.
     */
    public static final String MONITOR_ENTER = "java.lang.Object.monitorenter";

    private static final ThreadLocal<int[]> BUSY = new ThreadLocal<>();
    private static volatile BiConsumer<String, Object[]> checker;
    /** The agent still places its hooks in the classes loaded before it: a claim waits. Guarded by this class. */
    private static boolean placing;
    /** Why the agent could not place them (no claim is then accepted), or null. Guarded by this class. */
    private static String notPlaced;
    /** The hooked classes that are not the JDK's (the framework's, Config Admin's, the shell's), by binary name. */
    private static volatile java.util.Set<String> outside = java.util.Set.of();
    /** Each hook id's callers ({@link #callers}), by binary name; null until the agent names them (every check fails). */
    private static volatile java.util.Map<String, String[]> callers;
    /** Asks the JVM which class called {@link #check}; made at the first check, well after main. */
    private static volatile StackWalker walker;
    /** Finds {@link #check}'s caller in a walk. */
    private static final Gate CALLER = new Gate();

    /**
     * The class loaders whose code is stopped, each held weakly; null when none, so that a poll's one test is a field
     * read. Replaced whole, under this class's lock.
     */
    private static volatile Reference<?>[] stopped;

    /** The one call site of the polls woven as invokedynamic, once one is linked. Guarded by this class. */
    private static MutableCallSite site;

    private Gate() {
    }

    /**
     * Called by woven plugin code at each method's entry, backward jump and exception handler ({@code at}: the woven
     * class). Returns at once unless some code is stopped and {@code at} was defined by a stopped loader; then the
     * checker is called with {@link #CODE_STOPPED} and stops the thread's run of that code.
     */
    public static void poll(Class<?> at) {
        if (stopped != null) {
            pollStopped(at, CODE_STOPPED);
        }
    }

    /**
     * The bootstrap of the polls woven as {@code invokedynamic} (class files of Java 7 and later): every such poll is
     * linked to one call site, whose target does nothing while no code is stopped, and is {@link #poll} otherwise. The
     * JIT compiles the empty target away with a dependency on the site: a poll costs nothing in a tight loop (a field
     * read at each turn stopped its unrolling: 2x slower, measured by StopPollBenchmark), and a change of target
     * ({@link #stopCode}) deoptimises the code that inlined the old one.
     */
    public static CallSite pollSite(MethodHandles.Lookup caller, String name, MethodType type) {
        if (!type.equals(pollType())) {
            throw new IllegalArgumentException("a poll takes the polling class and returns nothing, not " + type);
        }
        synchronized (Gate.class) {
            if (site == null) {
                site = new MutableCallSite(pollTarget());
            }
            return site;
        }
    }

    /** A poll's type; made when asked, not as the gate is defined (before main, where java.lang.invoke is not up). */
    private static MethodType pollType() {
        return MethodType.methodType(void.class, Class.class);
    }

    /** The site's target for the stopped code now: nothing, or {@link #poll}. Under this class's lock. */
    private static MethodHandle pollTarget() {
        if (stopped == null) {
            return MethodHandles.empty(pollType());
        }
        try {
            return MethodHandles.lookup().findStatic(Gate.class, "poll", pollType());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #poll(Class)} at an exception handler's first instruction: the checker is called with {@link #HANDLER_STOPPED}. */
    public static void pollHandler(Class<?> at) {
        if (stopped != null) {
            pollStopped(at, HANDLER_STOPPED);
        }
    }

    /** {@link #poll(Class)} for a class file too old to name its own class as a constant: its caller is looked up. */
    public static void pollCaller() {
        if (stopped != null) {
            pollStopped(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass(),
                    CODE_STOPPED);
        }
    }

    /** {@link #pollHandler(Class)} for a class file too old to name its own class as a constant. */
    public static void pollHandlerCaller() {
        if (stopped != null) {
            pollStopped(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass(),
                    HANDLER_STOPPED);
        }
    }

    private static void pollStopped(Class<?> at, String hook) {
        Reference<?>[] now = stopped;
        ClassLoader loader = at == null ? null : at.getClassLoader();
        if (now == null || loader == null) {
            return;
        }
        for (Reference<?> each : now) {
            if (each.get() == loader) {
                check(hook, at, null);
                return;
            }
        }
    }

    /**
     * Stops ({@code stop} true) or resumes the code of the classes {@code loader} defines. The checker in place is asked
     * first (hook {@link #STOP_CODE}) and throws to refuse (a plugin's call); without a checker nothing is stopped, since
     * nothing would act on a poll.
     */
    public static void stopCode(ClassLoader loader, boolean stop) {
        if (loader == null) {
            throw new IllegalArgumentException("a class loader is required");
        }
        if (checker == null) {
            throw new IllegalStateException("Carehost: no checker is in place to stop code for");
        }
        check(STOP_CODE, null, new Object[] {loader, stop});
        synchronized (Gate.class) {
            List<Reference<?>> kept = new ArrayList<>();
            Reference<?>[] now = stopped;
            if (now != null) {
                for (Reference<?> each : now) {
                    Object held = each.get();
                    if (held != null && held != loader) {
                        kept.add(each);
                    }
                }
            }
            if (stop) {
                kept.add(new WeakReference<>(loader));
            }
            stopped = kept.isEmpty() ? null : kept.toArray(new Reference<?>[0]);
            if (site != null) {
                site.setTarget(pollTarget());
                MutableCallSite.syncAll(new MutableCallSite[] {site});
            }
        }
    }

    /**
     * Called at the entry of each hooked method, and by nothing else: a call from any other class is refused (red team
     * 13: a plugin calling the gate itself had the checker keep records for calls the JDK never made, such as a class
     * loader made for it, memory given back or a pool's worker). The caller is the frame right below this one, every
     * frame shown (a stack walk: {@link StackWalker#getCallerClass} skips the JDK's caller-sensitive and method-handle
     * frames, {@code MethodHandles.privateLookupIn} among the hooked ones), and its class must be the class the agent
     * hooked for that id and, for a JDK class, one of the JDK's class loaders' (a plugin may name a class of its own like
     * the JDK's outside {@code java.*}, never load it there); or this class itself (a poll, a stop of code).
     *
     * @param hook which method, as {@code owner.method} (e.g. {@code java.io.FileInputStream.open})
     * @param self the receiver, or a field of it the hook names, or null for a static method
     * @param args the method's arguments, primitives boxed
     */
    public static void check(String hook, Object self, Object[] args) {
        BiConsumer<String, Object[]> current = checker;
        if (current == null) {
            return;
        }
        StackWalker frames = walker;
        if (frames == null) {
            frames = StackWalker.getInstance(java.util.EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
                    StackWalker.Option.SHOW_REFLECT_FRAMES, StackWalker.Option.SHOW_HIDDEN_FRAMES));
            walker = frames;
        }
        StackWalker.StackFrame frame = frames.walk(CALLER);
        Class<?> caller = frame == null ? null : frame.getDeclaringClass();
        if (caller != Gate.class && !hookedIn(hook, caller)) {
            throw new SecurityException("Carehost: " + hook + " refused: asked for by "
                    + (caller == null ? "nothing" : caller.getName()) + ", not by the method it names; only the JDK's "
                    + "and the container's hooked methods call java.lang.CarehostGate, and nothing was done");
        }
        int[] busy = BUSY.get();
        if (busy == null) {
            busy = new int[1];
            BUSY.set(busy);
        }
        if (busy[0] >= DEEPEST) {
            throw new SecurityException("Carehost: " + hook + " refused: a security check nested " + DEEPEST
                    + " deep (the checker called itself without end); nothing was done. This is a fault of the "
                    + "security checker: report it to Carehost's maintainers with this stack trace (the plugin whose "
                    + "code is in it is named by its package; audit:query shows its other refusals)");
        }
        String id = busy[0] == 0 ? hook : NESTED + hook;
        busy[0]++;
        try {
            current.accept(id, new Object[] {self, args});
        } finally {
            busy[0]--;
        }
    }

    /** The frame below the one that walks: an instance of this class, as no lambda may be spun here. */
    @Override
    public StackWalker.StackFrame apply(java.util.stream.Stream<StackWalker.StackFrame> frames) {
        return frames.skip(1).findFirst().orElse(null);
    }

    private static boolean hookedIn(String hook, Class<?> caller) {
        if (caller == null) {
            return false;
        }
        if (MONITOR_ENTER.equals(hook)) {
            return true; // woven into plugin classes themselves: asks only whether their caller may lock an object
        }
        java.util.Map<String, String[]> table = callers;
        String[] owners = table == null || hook == null ? null : table.get(hook);
        if (owners == null) {
            return false;
        }
        String name = caller.getName();
        for (String owner : owners) {
            if (owner.equals(name)) {
                ClassLoader loader = caller.getClassLoader();
                return loader == null || loader == ClassLoader.getPlatformClassLoader() || outside.contains(owner);
            }
        }
        return false;
    }

    /**
     * Puts a checker in place. The one in place is asked first (hook {@code carehost.claim}) and throws to refuse.
     *
     * @param next the checker: receives (hook, {self, args}) and throws an unchecked exception to deny
     */
    public static synchronized void claim(BiConsumer<String, Object[]> next) {
        if (next == null) {
            throw new IllegalArgumentException("a checker is required");
        }
        awaitHooks();
        BiConsumer<String, Object[]> current = checker;
        if (current != null) {
            current.accept("carehost.claim", new Object[] {null, new Object[] {next}});
        }
        checker = next;
    }

    /**
     * Waits until the agent has placed its hooks in the classes loaded before it (it does so beside the container's
     * start, not before it: until a checker is claimed every check passes anyway, so a hook placed a little later
     * changes nothing before the claim, and the claim waits for all of them). An interrupt does not end the wait: it
     * is kept for the caller once the hooks are placed.
     */
    private static void awaitHooks() {
        boolean interrupted = false;
        while (placing) {
            try {
                Gate.class.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (notPlaced != null) {
            throw new IllegalStateException("Carehost: the run-time enforcement agent could not hook " + notPlaced
                    + ", so no checker can be put in place");
        }
    }

    /**
     * The agent places hooks in classes loaded before it, on a thread of its own: claims wait ({@link #awaitHooks}).
     * Package-private: only {@code java.lang}'s own code, and the agent through its lookup there, can call it; and only
     * before any checker is claimed.
     */
    static synchronized void placing() {
        if (checker == null) {
            placing = true;
        }
    }

    /** The agent's hooks are placed ({@code problem} null) or could not be (what failed): waiting claims go on. */
    static synchronized void placed(String problem) {
        if (placing) {
            placing = false;
            notPlaced = problem;
            Gate.class.notifyAll();
        }
    }

    /**
     * The agent names the hooked classes that are not the JDK's. Package-private, as {@link #placing}; only before any
     * checker is claimed.
     */
    static synchronized void outsideTheJdk(String[] names) {
        if (checker == null) {
            outside = java.util.Set.copyOf(java.util.Arrays.asList(names));
        }
    }

    /**
     * The hooked classes that are not the JDK's, by binary name: the checker loads them before it claims the gate (the
     * agent loads the JDK's itself), so that none is first loaded on a plugin's thread, whose stack may be run out on
     * purpose just before the JDK's transform code, where an error would have the class defined without its hooks.
     */
    public static String[] hookedOutsideTheJdk() {
        return outside.toArray(new String[0]);
    }

    /**
     * The agent names, for each hook id, the classes whose hooked methods call {@link #check} with it (binary names:
     * {@code id, owner, id, owner, ...}). Package-private, as {@link #placing}; only before any checker is claimed.
     */
    static synchronized void callers(String[] idsAndOwners) {
        if (checker == null) {
            java.util.Map<String, String[]> table = new java.util.HashMap<>();
            for (int i = 0; i + 1 < idsAndOwners.length; i += 2) {
                String[] known = table.get(idsAndOwners[i]);
                String[] more = known == null ? new String[1] : java.util.Arrays.copyOf(known, known.length + 1);
                more[more.length - 1] = idsAndOwners[i + 1];
                table.put(idsAndOwners[i], more);
            }
            callers = table;
        }
    }

    /** Whether a checker is in place: run-time enforcement is on. */
    public static boolean claimed() {
        return checker != null;
    }
}
