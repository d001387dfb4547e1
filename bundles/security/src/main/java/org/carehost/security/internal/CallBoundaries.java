package org.carehost.security.internal;

import java.util.ArrayDeque;
import java.util.Set;

/**
 * The places where the container's code calls a plugin's code on a thread of the container's, and the thread given
 * back as it was when the call returns. The agent hooks each at its entry and at each of its ends: Felix making an
 * activator (its class's initialiser and constructor run there) and calling it, a listener or a service factory
 * (around each listener's own call, and around the sending of one event to every listener, where their filters are
 * matched: a service property of a plugin's own class runs its code there; restored once the event is sent); SCR
 * a component's constructor and methods; Event Admin a handler; Config Admin an update; Gogo a command and the
 * formatting of its result, and the consoles reading that ({@code TerminalText.formatted}); the container's own calls
 * into plugins ({@code PluginCalls}: validators, notifiers, adapters, scheduled runs, event deliveries). And a
 * plugin's task run by a pool that is not the plugin's (the common pool's), from its start to its end
 * ({@link WorkHooks}).
 *
 * <p>Red team 19: a plugin with no permission interrupted, in its activator, the thread it ran on, which was Felix
 * FileInstall's deploy watcher; the watcher ends at an interrupt, and nothing dropped into {@code deploy/} was acted on
 * until a restart. Refusing the interrupt was tried and dropped: a plugin's task that catches an
 * {@code InterruptedException} and sets the interrupt again (the JDK's own idiom) must keep working wherever it runs.
 * So nothing is refused here. When the call returns, an interrupt that was not set as it began is cleared unless code
 * other than a plugin's interrupted the thread meanwhile from another thread (noted by {@link #interrupted}: the
 * container stopping the watcher keeps its interrupt), and the thread's name, priority, context class loader and
 * uncaught-exception handler are set back if they changed. A thread a plugin started, or whose class is a plugin's, is
 * left alone (the latter's methods are the plugin's; reading them here would run its code inside a check).
 *
 * <p>Calls nest (a plugin's activator registers a service, another plugin's listener runs): each end gives back the
 * thread as that call found it. An end whose entry was not seen (the checker put in place meanwhile) restores nothing.
 */
final class CallBoundaries {

    /** The hooked methods (the agent's ids), each with an entry and an end ({@code Hooks.EXIT_SUFFIX}). */
    static final Set<String> METHODS = Set.of(
            "org.apache.felix.framework.Felix.createBundleActivator",
            "org.apache.felix.framework.util.SecureAction.startActivator",
            "org.apache.felix.framework.util.SecureAction.stopActivator",
            "org.apache.felix.framework.EventDispatcher.fireEventImmediately",
            "org.apache.felix.framework.EventDispatcher.invokeServiceListenerCallback",
            "org.apache.felix.framework.EventDispatcher.invokeBundleListenerCallback",
            "org.apache.felix.framework.EventDispatcher.invokeFrameworkListenerCallback",
            "org.apache.felix.framework.ServiceRegistrationImpl.getFactoryUnchecked",
            "org.apache.felix.framework.ServiceRegistrationImpl.ungetFactoryUnchecked",
            "org.apache.felix.scr.impl.inject.methods.BaseMethod.invokeMethod",
            "org.apache.felix.scr.impl.inject.internal.ComponentConstructorImpl.newInstance",
            "org.apache.felix.eventadmin.impl.handler.EventHandlerProxy.sendEvent",
            "org.apache.felix.cm.impl.UpdateThread.run0",
            "org.apache.felix.gogo.runtime.Reflective.invoke",
            "org.apache.felix.gogo.runtime.CommandSessionImpl.execute",
            "org.apache.felix.gogo.runtime.CommandSessionImpl.format",
            "org.carehost.shell.TerminalText.formatted",
            "org.carehost.plugins.internal.calls.PluginCallsImpl.measured");

    /** A plugin's task run on a thread that is not the plugin's (a container's pool worker): {@link #taskRuns}. */
    private static final String TASK = "task";

    private static final String INTERRUPT = "java.lang.Thread.interrupt";

    /** Their ends' ids. */
    private static final Set<String> ENDS = ends();

    private static Set<String> ends() {
        java.util.HashSet<String> ends = new java.util.HashSet<>();
        METHODS.forEach(method -> ends.add(method + "End"));
        return Set.copyOf(ends);
    }

    /** How a thread was as a call into a plugin's code began. */
    private record Entry(String method, int depth, boolean interrupted, int given, String name, int priority,
            ClassLoader loader, Thread.UncaughtExceptionHandler handler) {
    }

    private final Causes causes;
    /** Per thread, how many times code other than a plugin's has interrupted it (by identity, weakly). */
    private final WeakIdentityMap<int[]> given = new WeakIdentityMap<>();
    private final ThreadLocal<ArrayDeque<Entry>> open = new ThreadLocal<>();

    CallBoundaries(Causes causes) {
        this.causes = causes;
    }

    /**
     * Whether {@code hook} is one of these entries or ends; if it is, it has been taken care of. An interrupt
     * ({@code self} the thread) is noted ({@link #interrupted}) and decided on as any other hook: false.
     */
    boolean crossed(String hook, Object self) {
        if (hook.equals(INTERRUPT)) {
            if (self instanceof Thread thread && thread != Thread.currentThread()) { // by identity: nothing is called
                interrupted(thread, causes.current(false) != null);
            }
            return false;
        }
        if (METHODS.contains(hook)) {
            entered(hook);
            return true;
        }
        if (ENDS.contains(hook)) {
            left(hook.substring(0, hook.length() - "End".length()));
            return true;
        }
        return false;
    }

    /**
     * {@code thread} is interrupted; {@code byPlugin} when a plugin's code is the cause (directly, or JDK code acting
     * for it). An interrupt by anyone else, from another thread, stays when the call into a plugin that runs on it
     * meanwhile returns. One a thread sets on itself is never counted: that is the idiom of setting again an interrupt
     * that was caught or cleared (the JDK's class loading clears and sets it again around its reads; FileInstall, SCR
     * and the JDK's locks set again one they caught), and the interrupt set again may be the plugin's.
     */
    void interrupted(Thread thread, boolean byPlugin) {
        if (byPlugin || thread == null || thread == Thread.currentThread()) {
            return;
        }
        int[] count = given.get(thread);
        if (count == null) {
            given.putIfAbsent(thread, new int[1]);
            count = given.get(thread);
        }
        synchronized (count) {
            count[0]++;
        }
    }

    private int given(Thread thread) {
        int[] count = given.get(thread);
        if (count == null) {
            return 0;
        }
        synchronized (count) {
            return count[0];
        }
    }

    /**
     * A plugin's task starts at this depth of the stack on a thread that is not the plugin's ({@link WorkHooks}): the
     * worker (a container pool's) is given back as it was when the task ends, returned or thrown ({@link #taskEnded}).
     */
    void taskRuns(int depth) {
        entered(TASK, depth);
    }

    /** A task ended at this depth: if it was a plugin's, see {@link #taskRuns}. */
    void taskEnded(int depth) {
        left(TASK, depth);
    }

    private void entered(String method) {
        entered(method, -1);
    }

    private void left(String method) {
        left(method, -1);
    }

    private void entered(String method, int depth) {
        Thread thread = Thread.currentThread();
        ArrayDeque<Entry> entries = open.get();
        if (entries == null) {
            entries = new ArrayDeque<>();
            open.set(entries);
        }
        if (causes.pluginOf(thread.getClass()) != null || causes.startedByAPlugin(thread)) {
            entries.push(new Entry(method, depth, true, 0, null, 0, null, null)); // a plugin's thread: left as it is
            return;
        }
        entries.push(new Entry(method, depth, thread.isInterrupted(), given(thread), thread.getName(),
                thread.getPriority(), thread.getContextClassLoader(), thread.getUncaughtExceptionHandler()));
    }

    private void left(String method, int depth) {
        ArrayDeque<Entry> entries = open.get();
        if (entries == null) {
            return;
        }
        Entry entry = null;
        for (Entry each : entries) { // from the innermost: an entry whose end was not seen is dropped with it
            if (each.method().equals(method) && each.depth() == depth) {
                entry = each;
                break;
            }
        }
        while (entry != null && entries.pop() != entry) {
            continue;
        }
        if (entries.isEmpty()) {
            open.remove();
        }
        if (entry == null || entry.name() == null) {
            return;
        }
        Thread thread = Thread.currentThread();
        if (!entry.interrupted() && given(thread) == entry.given() && thread.isInterrupted()) {
            Thread.interrupted(); // only a plugin's code set it since the call began: not the container's to keep
        }
        if (!thread.getName().equals(entry.name())) {
            thread.setName(entry.name());
        }
        if (thread.getPriority() != entry.priority()) {
            thread.setPriority(entry.priority());
        }
        if (thread.getContextClassLoader() != entry.loader()) {
            thread.setContextClassLoader(entry.loader());
        }
        if (thread.getUncaughtExceptionHandler() != entry.handler()) {
            thread.setUncaughtExceptionHandler(entry.handler());
        }
    }
}
