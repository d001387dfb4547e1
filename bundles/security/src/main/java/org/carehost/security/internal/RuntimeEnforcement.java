package org.carehost.security.internal;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;
import org.osgi.service.log.Logger;

/**
 * The second layer: the checker the agent's gate ({@code java.lang.CarehostGate}) calls at each of the JDK's choke
 * points. It reads the call ({@link ChokePoints}), finds the plugin that causes it ({@link Causes}) and lets
 * {@link RuntimeRules} decide; a refusal is remembered, logged and audited as DENIED (through {@link Alerts}, as the
 * scan's refusals are), a plugin over its thread budget is quarantined, and the plugin gets the SDK's
 * {@link PermissionDeniedException}. Container code is never refused (framework extensions aside, which nothing
 * installs at run time).
 *
 * <p>It claims the gate when the security manager starts, before any plugin runs. When the security manager stops,
 * it stays in place in <b>lockdown</b> ({@link Lockdown}, fail closed): every call a plugin causes at a choke point is
 * refused until a new security manager claims the gate (which only container code may: a plugin's claim is refused
 * like any other call), and the refusals it makes meanwhile, with what it learnt of plugins' work, are handed to the
 * next checker as that one claims ({@link #accept(Object[])}).
 */
final class RuntimeEnforcement implements BiConsumer<String, Object[]>, Consumer<Object[]> {

    /**
     * The gate's prefix for a check made while this checker runs on the same thread, at any depth (the agent's
     * boot/Gate.NESTED). The checker's own I/O (its audit writes, the framework loading its classes) has container
     * frames first and passes; a plugin's code the check happened to call (an override of a method of an object the
     * check reads) is refused whatever it is granted. A nested check is decided from the stack alone
     * ({@link #decideNested}): it reads none of the call's objects, so no plugin code runs inside it, and the nesting
     * ends there.
     */
    static final String NESTED = "nested:";

    private final Causes causes;
    private final LockRule locks;
    private final WorkHooks work;
    private final CallBoundaries boundaries;
    private final RuntimeRules rules;
    private final RuntimeReporter reporter;
    private final Logger logger;
    private final Lockdown lockdown;
    private final CodeStops codeStops;
    private volatile boolean active;
    /** What an extender may load through a plugin. */
    private final EntryClassLoads entryClasses = new EntryClassLoads();
    /** The descriptors kept for the container. */
    private final DescriptorReserve descriptors = new DescriptorReserve();
    /** Why the claim failed while the agent runs, or null: see {@link #claim}. */
    private volatile String failure;

    RuntimeEnforcement(Causes causes, RuntimeRules rules, CodeStops codeStops, RuntimeReporter reporter, Logger logger) {
        this.causes = causes;
        this.codeStops = codeStops;
        this.locks = new LockRule(causes);
        this.boundaries = new CallBoundaries(causes);
        this.work = new WorkHooks(causes, boundaries);
        this.rules = rules;
        this.reporter = reporter;
        this.logger = logger;
        this.lockdown = new Lockdown(causes.provenance(), reporter, logger);
    }

    /** Claims the gate; false (and a warning) when the agent is not running, or when the claim failed. */
    boolean open() {
        Class<?> gate;
        try {
            gate = Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException notStarted) {
            logger.warn("Security: the run-time enforcement agent is not running, so plugins are checked only before "
                    + "they resolve. Start the container with 'java -jar carehost.jar' (which starts it) or add "
                    + "-javaagent:carehost-agent.jar.");
            return false;
        }
        CheckerPreload.everyClassACheckMayNeed(logger);
        CheckerPreload.theHookedContainerClasses(gate, causes, logger);
        return claim(gate);
    }

    /**
     * Whether the agent's gate has a checker already: a security manager before this one, in this JVM (false without
     * the agent, when nothing is checked; true when it cannot be told).
     */
    static boolean gateClaimed() {
        try {
            return Boolean.TRUE.equals(Class.forName("java.lang.CarehostGate").getMethod("claimed").invoke(null));
        } catch (ClassNotFoundException noAgent) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unknown) {
            return true;
        }
    }

    /**
     * Claims the given gate (the agent's {@code java.lang.CarehostGate}). A claim that fails while the agent runs is
     * not a layer that is merely off: it is kept as {@link #failure()}, and admission then lets no plugin resolve
     * (fail closed), since plugins would otherwise run unchecked at the JDK's choke points.
     */
    boolean claim(Class<?> gate) {
        try {
            lockdown.claiming(true); // the checker in place hands its report over during the claim, and only then
            try {
                gate.getMethod("claim", BiConsumer.class).invoke(null, this);
            } finally {
                lockdown.claiming(false);
            }
            failure = null;
            active = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null
                    ? e.getCause() : e;
            failure = cause.toString();
            logger.error("Security: the run-time enforcement agent is running, but its gate could not be claimed ({}): "
                    + "no plugin may resolve until it is. Restart the container; if this stays, the agent and the "
                    + "security manager are of different versions (carehost.jar and its bundles must match)", failure);
            return false;
        }
    }

    /** Why the gate could not be claimed while the agent runs (plugins are then refused), or null. */
    String failure() {
        return failure;
    }

    /** From now on every call a plugin causes is refused, until another security manager claims the gate. */
    void close() {
        lockdown.begin();
        if (active) {
            lockdown.announce();
        }
    }

    /**
     * The previous checker's refusals made in lockdown, handed over when this one claimed the gate (the gate never
     * calls this: only the checker in place, asked to consent to this claim, has this object): audited now. With
     * them, what it knew of plugins' class loaders, threads, tasks and pools ({@link Provenance#record}), taken over
     * before this checker decides anything ({@link Lockdown#takeOver}; an exception fails this checker's claim).
     */
    @Override
    public void accept(Object[] report) {
        lockdown.takeOver(report);
    }

    boolean active() {
        return active && !lockdown.on();
    }

    private static final ClassLoader OWN_LOADER = RuntimeEnforcement.class.getClassLoader();

    @Override
    public void accept(String hook, Object[] call) {
        // the code stop's hooks, made inside a check too: matched exactly, with or without the nesting prefix
        String plain = hook.startsWith(NESTED) ? hook.substring(NESTED.length()) : hook;
        if (DefineRule.definedByTheContainer(plain, call[0], OWN_LOADER)) {
            return; // the framework's, the JDK's or this checker's class or lambda, defined at run time: every start
        }
        if (plain.equals(CodeStops.STOPPED_HOOK) || plain.equals(CodeStops.HANDLER_HOOK)) {
            if (call[0] instanceof Class<?> at) { // a quarantined plugin's code, wherever it runs: ended here
                codeStops.polled(at, plain.equals(CodeStops.HANDLER_HOOK));
            }
            return;
        }
        if (plain.equals(CodeStops.STOP_HOOK)) {
            Bundle plugin = causes.current(false, true); // only the container stops or resumes a plugin's code
            if (plugin != null) {
                refuse(plugin, new Refusal(RuntimeRules.CONTAINER_RULE, "stop or resume plugins' code (the run-time "
                        + "enforcement's own call)", false));
            }
            return;
        }
        if (boundaries.crossed(plain, call[0])) {
            return; // a call into a plugin's code on the container's thread, begun or over: the thread given back
        }
        if (hook.startsWith(NESTED)) {
            decideNested(plain);
            return;
        }
        if (hook.equals(PluginClassWeaver.MONITOR_HOOK)) {
            // a plugin's synchronized block: decided from the object first; its cause is the method the check is
            // woven into, found right below the gate, whoever called it (a walk past it would find the container)
            Object locked = call[0];
            if (locked != null && locks.maybeOthers(locked)) {
                Class<?> woven = GateFrames.gateCaller();
                decideLock(woven == null ? null : causes.pluginOf(woven), locked);
            }
            return;
        }
        if (work.isTaskEnd(hook)) {
            work.taskEnded(); // every task's end, on the worker: decided before anything is read
            return;
        }
        String id = hook;
        Request request = ChokePoints.read(id, call[0], (Object[]) call[1]);
        if (request == null || work.noted(request)) {
            return;
        }
        if (request.kind() == Kind.MONITOR) { // a plugin's Reader or Writer given a lock object
            if (locks.maybeOthers(request.subject())) {
                decideLock(causes.current(false), request.subject());
            }
            return;
        }
        if (request.kind() == Kind.NATIVE_RELEASE) {
            rules.released(request.subject()); // whoever gives it back: decided before any cause is looked for
            return;
        }
        if (request.kind() == Kind.EXTENSION) {
            throw new PermissionDeniedException("container", RuntimeRules.CONTAINER_RULE, "Carehost runs no framework "
                    + "extension installed after it started (" + request.subject() + " refused)");
        }
        if (request.kind() == Kind.BUNDLE_CLASS) {
            decideExtenderLoad((Bundle) request.subject(), request.target());
            return;
        }
        if (request.kind() == Kind.DEFINE_CLASS) {
            Bundle owner = DefineRule.owner(request, causes);
            if (owner != null) {
                refuse(owner, lockdown.on() ? Lockdown.refusal(request.target()) : DefineRule.refusal(request));
            }
            return;
        }
        // a bundle's entries are read a thousand times at start: decided by a walk only once plugin code may have run
        Bundle plugin;
        try {
            plugin = causes.current(request.framework(), request.kind() == Kind.CLAIM || request.framework()
                    && request.kind() != Kind.BUNDLE_ENTRIES, ChokePoints.reachesOut(request.kind()));
        } catch (Causes.UnownedCall unowned) {
            if (ChokePoints.jdkMayUse(id) && GateFrames.calledByJdk()) {
                return; // the JDK on its own account (a class initialiser reading a property): refused, the class breaks
            }
            reporter.deniedUnidentified("denied at run time: " + request.target() + ", made by " + unowned.getMessage()
                    + "; no plugin's property, filter, command or component may reach files, sockets, processes or "
                    + "threads that way (the plugin whose service or description supplied it is listed by plugin:list; "
                    + "remove it)");
            throw new PermissionDeniedException("container", RuntimeRules.CONTAINER_RULE, "refused: " + request.target()
                    + ", made by " + unowned.getMessage());
        }
        if (plugin == null && request.kind() == Kind.CLAIM) {
            // the container's next security manager: the lockdown's refusals, and the record, go to it
            lockdown.handOver(request.subject());
            return;
        }
        if (plugin == null) {
            return;
        }
        if (lockdown.on() && request.kind() == Kind.CLASS_LOADER && Causes.recordsLoader(request.subject())) {
            // not even one the JDK makes for it: what it defined would be recorded here after the record was handed on
            // (the JDK's own reflection loaders, which its reflective calls make, are not recorded, and pass)
            refuse(plugin, Lockdown.refusal(request.target()));
        }
        if (ChokePoints.jdkMayUse(id) && GateFrames.calledByJdk()) {
            if (request.kind() == Kind.CLASS_LOADER) {
                // a loader JDK code makes for the plugin (URLClassLoader.newInstance): what it defines is the plugin's
                causes.createdByJdkFor((ClassLoader) request.subject(), plugin);
            }
            return;
        }
        if (request.kind() == Kind.CONTAINER && request.framework() && GateFrames.framesOwnCleanUp()) {
            return; // the framework refreshing after an uninstall or update the plugin was allowed (its own bundle)
        }
        if (request.kind() == Kind.BUNDLE_ENTRIES && GateFrames.framesLocalisingHeaders()) {
            return; // the framework localising a bundle's headers (getHeaders), from a file that bundle's manifest names
        }
        Refusal refusal = lockdown.on() ? Lockdown.refusal(request.target()) : rules.decide(plugin, request);
        if (refusal == null && DescriptorReserve.makesDescriptor(id)) {
            refusal = descriptors.make(plugin); // allowed: one more descriptor, if the container's reserve is kept
        }
        if (refusal == null || !lockdown.on() && setUpByTheJdk(id, request.kind()) && GateFrames.initialisingJdkClass()) {
            return; // allowed, or the JDK initialising one of its classes (refused, the class would fail for everyone)
        }
        refuse(plugin, refusal);
    }

    /**
     * The calls a JDK class's static initialiser makes to set itself up that are let pass when a plugin's first use
     * triggered it ({@link GateFrames#initialisingJdkClass}): its shutdown hook, its threads, its reading of files.
     * Nothing else, so that no JDK initialiser does more for a plugin than set that class up.
     */
    private static boolean setUpByTheJdk(String hook, Kind kind) {
        return kind == Kind.THREAD_START || kind == Kind.FILE_READ || hook.equals("java.lang.Runtime.addShutdownHook");
    }

    /** A monitor a plugin's code is about to take ({@link LockRule}): refused, before it is taken, if not its to hold. */
    private void decideLock(Bundle plugin, Object object) {
        String why = plugin == null ? null : locks.refusal(plugin, object);
        if (why != null) {
            refuse(plugin, lockdown.on() ? Lockdown.refusal(why) : new Refusal(RuntimeRules.CONTAINER_RULE, why, false));
        }
    }

    /**
     * An extender (SCR, SPI Fly) loading, through a plugin, a class the plugin's metadata names, to build it and drive
     * it on the container's threads: only a class the plugin defines itself ({@link EntryClassLoads}). Decided by
     * the target, not by a cause: no plugin frame is on the stack, which is why the deputy must be stopped here.
     */
    private void decideExtenderLoad(Bundle bundle, String className) {
        if (bundle == null || causes.isContainer(bundle) || !EntryClassLoads.byAnExtender()) {
            return;
        }
        String why = entryClasses.refusal(bundle, className);
        if (why != null) {
            refuse(bundle, lockdown.on() ? Lockdown.refusal(className)
                    : new Refusal(RuntimeRules.CONTAINER_RULE, why, false));
        }
    }

    /**
     * A check made while a check already runs on this thread: decided from the stack alone, never from the call's
     * objects (reading them could run a plugin's overrides inside this check once more). Container code first (this
     * checker's own I/O, the audit, the framework loading a class) passes; JDK code on its own account passes where it
     * may; a plugin first is refused whatever it holds (its code runs only because a check called it); and a framework
     * extension is refused for everyone, as outside a check.
     */
    private void decideNested(String id) {
        if (id.equals(ChokePoints.EXTENSION_HOOK)) {
            throw new PermissionDeniedException("container", RuntimeRules.CONTAINER_RULE, "Carehost runs no framework "
                    + "extension installed after it started (one was asked for inside a security check)");
        }
        Bundle plugin = causes.current(ChokePoints.throughFramework(id), ChokePoints.throughFramework(id));
        if (plugin == null || ChokePoints.jdkMayUse(id) && GateFrames.calledByJdk()) {
            return;
        }
        String target = "call " + id;
        refuse(plugin, lockdown.on()
                ? Lockdown.refusal(target)
                : new Refusal(RuntimeRules.CONTAINER_RULE, target + ", from its code the security check itself called "
                        + "(an override of a JDK method, run while its call was being checked)", false));
    }

    private void refuse(Bundle plugin, Refusal refusal) {
        if (lockdown.on()) {
            lockdown.keep(plugin, refusal.reason()); // the stopped security manager audits nothing: the next one will
        } else {
            reporter.denied(plugin, refusal.permission(), refusal.reason());
            if (refusal.quarantine()) {
                reporter.quarantine(plugin, refusal.reason());
            }
        }
        throw new PermissionDeniedException(String.valueOf(plugin.getSymbolicName()), refusal.permission(),
                refusal.reason());
    }
}
