package org.carehost.security.internal;

import java.util.EnumSet;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.osgi.framework.Bundle;

/**
 * The agent's hooks that only keep track of whose work a thread does, and are never refused: tasks for the JDK's
 * executors made, started and ended ({@link TaskOrigins}, charged by {@link TaskCharges}), pools made and their workers
 * started, a thread started for one task or for a {@code java.util.Timer} ({@link PoolOwners}).
 */
final class WorkHooks {

    private final Causes causes;
    private final TaskOrigins tasks;
    private final PoolOwners pools;
    private final CallBoundaries boundaries;
    private final StackWalker walker = StackWalker.getInstance(EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_HIDDEN_FRAMES));

    WorkHooks(Causes causes, CallBoundaries boundaries) {
        this.causes = causes;
        this.boundaries = boundaries;
        this.tasks = causes.tasks();
        this.pools = causes.pools();
    }

    /** Whether the hook is one of a task's ends (the agent's exit hooks): decided before anything is read. */
    boolean isTaskEnd(String hook) {
        return TaskOrigins.ENDS.contains(hook);
    }

    /** Whether the request is one of these hooks' (then it is taken care of here). */
    boolean noted(Request request) {
        Kind kind = request.kind();
        switch (kind) {
            case TASK_MADE:
                taskMade(request.subject());
                return true;
            case TASK_HANDED:
                taskHanded(request.subject());
                return true;
            case TASK_REJECTED:
                tasks.rejected(request.subject());
                return true;
            case TASK_RUN:
                taskRuns(request.subject());
                return true;
            case TASK_ENDED:
                taskEnded();
                return true;
            case POOL_MADE:
            case WORKER_START:
            case TIMER_THREAD:
            case TASK_THREAD:
                Object[] subject = (Object[]) request.subject();
                if (kind == Kind.POOL_MADE) {
                    pools.made(subject[0], subject[1]);
                } else if (kind == Kind.WORKER_START) {
                    pools.workerStarts(subject[0], (Thread) subject[1]);
                } else if (kind == Kind.TIMER_THREAD) {
                    pools.timerStarts((Thread) subject[1]);
                } else {
                    pools.taskThread(subject[0], (Thread) subject[1]);
                }
                return true;
            default:
                return false;
        }
    }

    /** A task for a JDK executor is being made (the agent's hook in its constructor): a plugin's is recorded. */
    void taskMade(Object task) {
        if (TaskOrigins.neverRun(task)) {
            return; // a thread waiting on a future: no walk
        }
        Bundle plugin = causes.current(false);
        if (plugin != null) {
            tasks.made(task, plugin);
        }
    }

    /** A bare Runnable is handed to a ThreadPoolExecutor (the agent's hook at execute): claimed for a plugin's call. */
    void taskHanded(Object task) {
        // a FutureTask or ForkJoinTask is never claimed here (its maker was recorded as it was made): no walk for it,
        // which is every task submit() hands on
        tasks.handed(task, TaskOrigins.claimable(task) ? causes.current(false) : null);
    }

    /** A task starts to run (the agent's hook at its entry, the frame below the gate's). */
    void taskRuns(Object task) {
        if (!tasks.concerns(task)) {
            return; // the container's task, on a thread with no note: nothing to do, and no walk
        }
        int depth = taskDepth();
        if (depth > 0) {
            tasks.started(task, depth);
            Bundle maker = tasks.makerOf(task);
            if (maker != null) {
                boundaries.taskRuns(depth); // a plugin's task: a thread not its own is given back as it was
            }
        }
    }

    /** A task ended, returned or thrown (the agent's exit hooks; its hook in runWorker before afterExecute). */
    void taskEnded() {
        if (!tasks.anyHere()) {
            return;
        }
        int depth = taskDepth();
        if (depth > 0) {
            tasks.ended(depth);
            boundaries.taskEnded(depth);
        }
    }

    /**
     * The depth (from the bottom) of the task frame that made the hook's call, or -1: the frame directly below the
     * gate must itself be a task frame (a task's run method at its entry and exit hooks; runWorker at its call-site
     * hooks). Anything else is not a task starting or ending there (a plugin's code cannot make a JDK task frame call
     * the gate for it), and is ignored: no note is made or dropped. Counted as {@link Causes#current} counts.
     */
    private int taskDepth() {
        return walker.walk(frames -> {
            int index = 0;
            int frameOfTask = -1;
            boolean gate = false;
            boolean below = false;
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (below) {
                    below = false;
                    frameOfTask = TaskOrigins.isTaskFrame(frame) ? index : -2;
                } else if (!gate && frame.getDeclaringClass() == Causes.GATE) {
                    gate = true;
                    below = true;
                }
                index++;
            }
            return frameOfTask < 0 ? -1 : index - frameOfTask;
        });
    }
}
