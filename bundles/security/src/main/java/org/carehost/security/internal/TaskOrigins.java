package org.carehost.security.internal;

import org.osgi.framework.Bundle;

/**
 * Which plugin a task handed to one of the JDK's executors works for. Without this, a plugin could hand the common
 * fork-join pool (or {@code CompletableFuture.runAsync}, a parallel stream, a scheduled executor) a task made of JDK
 * code only (a method-handle proxy, say): on a worker thread the container started, nothing on the stack would be the
 * plugin's, and the work would count as the container's.
 *
 * <p>The rule: a task is the plugin's whose making the plugin caused. The agent reports each {@code ForkJoinTask} and
 * {@code FutureTask} as it is made, and each bare Runnable as it is handed to {@code ThreadPoolExecutor.execute}
 * (recorded here when a plugin is the cause, keyed by identity), and each as it starts to run
 * ({@code ForkJoinTask.doExec}, {@code FutureTask.run} and {@code runAndReset}; for a bare Runnable, the agent's hook
 * inside {@code ThreadPoolExecutor.runWorker} just before its {@code task.run()}). When a task starts, the thread
 * notes the depth of that frame in its stack, counted from the bottom, and the plugin; a walk that meets that frame
 * again at that depth before any plugin or container frame has found its cause. A task runs inside another's frame
 * (a join helping), and deeper notes are dropped each time a task starts at a lower or equal depth, so a note never
 * outlives its frame as far as any check can tell: a frame at a noted depth that is a task frame is the latest task
 * started there. Tasks the container made are not recorded: a walk goes on past their frame, as before (to the
 * plugin that started the thread, if one did, else the container).
 *
 * <p>A task's end is reported too, whatever way it is left (the agent's exit hooks at each return of {@code doExec},
 * {@code run} and {@code runAndReset} and in a handler for what they throw; a bare Runnable's at runWorker's
 * {@code afterExecute} calls): its note, and any deeper, are dropped then. The notes are a stack: a task no plugin made
 * that starts inside a plugin's has a note of nobody's. Each time the innermost note changes, {@link TaskCharges}
 * charges what the thread spent to the plugin whose task it ran, and the thread is in the new note's charge.
 */
final class TaskOrigins {

    /** The ids of the hooks at a task's end (the agent's exit hooks, {@code Hooks.EXIT_SUFFIX}). */
    static final java.util.Set<String> ENDS = java.util.Set.of("java.util.concurrent.ForkJoinTask.doExecEnd",
            "java.util.concurrent.FutureTask.runEnd", "java.util.concurrent.FutureTask.runAndResetEnd");

    private final WeakIdentityMap<Bundle> made = new WeakIdentityMap<>();
    private final ThreadLocal<Running> running = new ThreadLocal<>();
    /** The task this thread's latest {@code execute} claimed (for {@link #rejected}), or null. */
    private final ThreadLocal<java.lang.ref.WeakReference<Object>> claimedHere = new ThreadLocal<>();
    private final TaskCharges charges;

    TaskOrigins() {
        this(new TaskCharges(new ThreadCounters(), thread -> null, id -> false));
    }

    TaskOrigins(TaskCharges charges) {
        this.charges = charges;
    }

    TaskCharges charges() {
        return charges;
    }

    /**
     * Records that a plugin caused a task to be made, unless one is recorded for it already: a task's owner is its
     * first, never replaced by whoever hands the object on.
     */
    boolean made(Object task, Bundle plugin) {
        return made.putIfAbsent(task, plugin);
    }

    /**
     * A bare Runnable is handed to a {@code ThreadPoolExecutor} (its {@code execute}) with a plugin as the cause (null:
     * none): the Runnable is claimed for it unless someone has it already. A {@code FutureTask} or {@code ForkJoinTask} is not claimed here: its maker was
     * recorded as it was made (a container's {@code ScheduledFuture} handed to a plugin's pool stays nobody's). The
     * claim made by this call is remembered on this thread until the pool has taken the task or refused it
     * ({@link #rejected}).
     */
    void handed(Object task, Bundle plugin) {
        if (plugin == null || !claimable(task)) {
            claimedHere.remove(); // this call claims nothing
            return;
        }
        claimedHere.set(made.putIfAbsent(task, plugin) ? new java.lang.ref.WeakReference<>(task) : null);
    }

    /**
     * Whether a task object is never run as a task: a {@code CompletableFuture}'s {@code Signaller}, which a thread
     * waiting in {@code get} or {@code join} makes to be woken by (a {@code ForkJoinTask} only by inheritance; no pool
     * runs it, and it is package-private to {@code java.util.concurrent}). Every wait on a future that is not done yet
     * makes one (each audited read waits on the audit trail's group commit so), and its maker need not be looked for.
     */
    static boolean neverRun(Object task) {
        return task != null && task.getClass().getName().equals("java.util.concurrent.CompletableFuture$Signaller");
    }

    /** The tasks plugins made that are still referenced, with their plugin ({@link Provenance#record}). */
    java.util.Map<Object, Bundle> madeTasks() {
        return made.snapshot();
    }

    /** Whether {@link #handed} may claim this task: a bare Runnable (not a FutureTask or ForkJoinTask). */
    static boolean claimable(Object task) {
        return !(task instanceof java.util.concurrent.FutureTask) && !(task instanceof java.util.concurrent.ForkJoinTask);
    }

    /**
     * The pool refused a task handed to it ({@code ThreadPoolExecutor.reject}, from its {@code execute}): the claim that
     * execute made for it, if it made one, is dropped, so that a plugin cannot claim another's Runnable by handing it to
     * a pool that refuses it (a pool it shut down). A claim recorded before is kept.
     */
    void rejected(Object task) {
        java.lang.ref.WeakReference<Object> claim = claimedHere.get();
        if (claim != null && task != null && claim.get() == task) {
            made.remove(task);
        }
        claimedHere.remove();
    }

    /** The plugin that made the task, or null. */
    Bundle makerOf(Object task) {
        return made.get(task);
    }

    /** Whether a task starting now on this thread needs its depth noted: the plugin made it, or notes are here. */
    boolean concerns(Object task) {
        Running here = running.get();
        return here != null && here.size > 0 || made.get(task) != null;
    }

    /**
     * A task starts at this depth (frames from the bottom of the stack): drops deeper notes and notes its maker. A task
     * no plugin made, inside a plugin's (a container's task that a plugin's runs while it helps a join), is noted too,
     * as nobody's: the worker is in nobody's charge while it runs (and never interrupted for the plugin), and back in the
     * plugin's when it ends. A walk passes over such a note as over no note (to the plugin's task further out).
     */
    void started(Object task, int depth) {
        Running here = running.get();
        if (here == null) {
            here = new Running();
            running.set(here);
        }
        here.dropFrom(depth);
        Bundle plugin = made.get(task);
        if (plugin != null || here.size > 0) {
            here.push(depth, plugin);
        }
        here.charge = charges.now(here.charge, here.innermost());
    }

    /**
     * A task ended at this depth, returned or thrown (the agent's exit hooks at the end of doExec, run and runAndReset;
     * its hook inside runWorker before the afterExecute it calls whether or not the task threw): the notes from that
     * depth on are dropped, so that what the thread does next (Felix's start-level thread going on after a plugin's
     * activator ran a task that threw; a worker replacing itself after its task threw: a thread start) is not taken for
     * the task's, nor charged to it.
     */
    void ended(int depth) {
        Running here = running.get();
        if (here != null) {
            here.dropFrom(depth);
            here.charge = charges.now(here.charge, here.innermost());
        }
    }

    /** Whether this thread holds a note: only then do walks need the depth of each frame. */
    boolean anyHere() {
        Running here = running.get();
        return here != null && here.size > 0;
    }

    /** The plugin noted for a task frame at this depth on this thread, or null. */
    Bundle at(int depth) {
        Running here = running.get();
        return here == null ? null : here.at(depth);
    }

    /**
     * What a task hook reports: a task made ({@code ForkJoinTask} and {@code FutureTask} constructors, the receiver; a
     * bare Runnable given to {@code ThreadPoolExecutor.execute}, its argument, handed; one its {@code reject} refuses,
     * rejected) or about to run (their run methods, the
     * receiver; {@code runTask}, the agent's call-site hook in a worker's {@code runWorker} just before
     * {@code task.run()}, the task), or a worker's task over ({@code taskDone}, its call-site hook there before
     * {@code afterExecute}). The call-site hooks fire only from runWorker's own code: the protected, overridable
     * {@code beforeExecute} and {@code afterExecute} that any subclass's code can call are not hooked.
     */
    static ChokePoints.Request request(String method, Object self, Object[] args) {
        switch (method) {
            case "<init>": return ChokePoints.Request.of(ChokePoints.Kind.TASK_MADE, null, self);
            case "execute": return ChokePoints.Request.of(ChokePoints.Kind.TASK_HANDED, null, args[0]);
            case "reject": return ChokePoints.Request.of(ChokePoints.Kind.TASK_REJECTED, null, args[0]);
            case "runTask": return ChokePoints.Request.of(ChokePoints.Kind.TASK_RUN, null, self);
            case "taskDone":
            case "doExecEnd":
            case "runEnd":
            case "runAndResetEnd":
                return ChokePoints.Request.of(ChokePoints.Kind.TASK_ENDED, null, null);
            default: return ChokePoints.Request.of(ChokePoints.Kind.TASK_RUN, null, self);
        }
    }

    /**
     * Whether a frame is where a task runs: the hooked methods that start one, and a ThreadPoolExecutor worker's
     * {@code runWorker}, which runs a bare Runnable itself (the note made at its {@code runTask} hook is for that frame,
     * and is dropped at its {@code taskDone} hook, or replaced at the worker's next task).
     */
    static boolean isTaskFrame(StackWalker.StackFrame frame) {
        Class<?> type = frame.getDeclaringClass();
        String method = frame.getMethodName();
        return type == java.util.concurrent.ForkJoinTask.class && method.equals("doExec")
                || type == java.util.concurrent.FutureTask.class && (method.equals("run") || method.equals("runAndReset"))
                || type == java.util.concurrent.ThreadPoolExecutor.class && method.equals("runWorker");
    }

    /** One thread's notes, by increasing depth. */
    private static final class Running {
        private int[] depths = new int[4];
        private Bundle[] plugins = new Bundle[4];
        private int size;
        /** What the worker spends is charged to the innermost note's plugin (nobody, for a note of nobody's). */
        private TaskCharges.Open charge;

        Bundle innermost() {
            return size == 0 ? null : plugins[size - 1];
        }

        void dropFrom(int depth) {
            while (size > 0 && depths[size - 1] >= depth) {
                plugins[--size] = null;
            }
        }

        void push(int depth, Bundle plugin) {
            if (size == depths.length) {
                depths = java.util.Arrays.copyOf(depths, size * 2);
                plugins = java.util.Arrays.copyOf(plugins, size * 2);
            }
            depths[size] = depth;
            plugins[size++] = plugin;
        }

        Bundle at(int depth) {
            for (int i = size - 1; i >= 0; i--) {
                if (depths[i] == depth) {
                    return plugins[i];
                }
            }
            return null;
        }
    }
}
