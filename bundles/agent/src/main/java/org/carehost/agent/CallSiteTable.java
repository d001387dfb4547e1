package org.carehost.agent;

import java.util.List;

import org.carehost.agent.Hooks.Call;
import org.carehost.agent.Hooks.Pass;

/**
 * The call-site hooks of {@link Hooks} ({@link Call}): data only, apart from {@link Hooks} so that the rules that read
 * it fit in a reader's mind.
 */
final class CallSiteTable {

    private static final String DISPATCHER = "org/apache/felix/framework/EventDispatcher";
    private static final String DISPATCHER_ID = "org.apache.felix.framework.EventDispatcher.";

    /**
     * The call-site hooks. A ThreadPoolExecutor worker's runWorker, about to run a bare Runnable (its task.run()), and
     * its task over (the afterExecute it calls whether or not the task threw): at beforeExecute and afterExecute's
     * entry these could be made to fire by any code (they are protected, overridable, and a subclass's code, a plugin's
     * included, calls them), and a subclass overriding them without super would hide its tasks.
     */
    private static final String WORKER_STARTS_TPE = "java.util.concurrent.ThreadPoolExecutor.workerStarts";
    private static final String WORKER_STARTS_FJP = "java.util.concurrent.ForkJoinPool.workerStarts";

    static final List<Call> CALLS = List.of(
        new Call("java/util/concurrent/ThreadPoolExecutor", "runWorker", "java/lang/Runnable", "run", "()V",
                "java.util.concurrent.ThreadPoolExecutor.runTask", true),
        new Call("java/util/concurrent/ThreadPoolExecutor", "runWorker", "java/util/concurrent/ThreadPoolExecutor",
                "afterExecute", "(Ljava/lang/Runnable;Ljava/lang/Throwable;)V",
                "java.util.concurrent.ThreadPoolExecutor.taskDone", false),
        // a pool's worker about to start: the pool (this) and the thread; JDK 17 calls Thread.start, JDK 25 a thread
        // container's start(Thread) (and ForkJoinPool either): hooks with the same id need one of their sites placed
        new Call("java/util/concurrent/ThreadPoolExecutor", "addWorker", "java/lang/Thread", "start", "()V",
                WORKER_STARTS_TPE, Pass.THIS_AND_TOP),
        new Call("java/util/concurrent/ThreadPoolExecutor", "addWorker", "jdk/internal/vm/SharedThreadContainer",
                "start", "(Ljava/lang/Thread;)V", WORKER_STARTS_TPE, Pass.THIS_AND_TOP),
        new Call("java/util/concurrent/ForkJoinPool", "createWorker", "java/util/concurrent/ForkJoinWorkerThread",
                "start", "()V", WORKER_STARTS_FJP, Pass.THIS_AND_TOP),
        new Call("java/util/concurrent/ForkJoinPool", "createWorker", "jdk/internal/vm/SharedThreadContainer",
                "start", "(Ljava/lang/Thread;)V", WORKER_STARTS_FJP, Pass.THIS_AND_TOP),
        // JDK 25's delay scheduler thread of a ForkJoinPool (orTimeout, delayedExecutor, schedule on the common pool):
        // started like a worker, the pool's (so the common pool's is nobody's, whoever's call started it)
        new Call("java/util/concurrent/ForkJoinPool", "startDelayScheduler", "java/util/concurrent/DelayScheduler",
                "start", "()V", WORKER_STARTS_FJP, Pass.THIS_AND_TOP),
        new Call("java/util/concurrent/ForkJoinPool", "startDelayScheduler", "jdk/internal/vm/SharedThreadContainer",
                "start", "(Ljava/lang/Thread;)V", WORKER_STARTS_FJP, Pass.THIS_AND_TOP),
        // CompletableFuture's executor when the common pool has a parallelism of 1 (JDK 17 on two cores, even when the
        // common pool is named): a thread for each task, started by the JDK; the task (its argument) and the thread
        new Call("java/util/concurrent/CompletableFuture$ThreadPerTaskExecutor", "execute", "java/lang/Thread",
                "start", "()V", "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor.taskThreadStarts",
                Pass.ARGUMENT_AND_TOP),
        // a java.util.Timer's thread, started by the constructor every other one calls: the timer and the thread
        new Call("java/util/Timer", "<init>(Ljava/lang/String;Z)V", "java/util/TimerThread", "start", "()V",
                "java.util.Timer.threadStarts", Pass.THIS_AND_TOP),
        // Felix calling a listener, around the call itself, so that only the listeners an event reaches cost a boundary:
        // hooked at the whole callback, every listener's filter was matched inside one (141,000 callbacks, and two gate
        // calls each, in a warm start with 100 plugins; benchmarks/README.md, stop 48). With no JDK SecurityManager
        // Felix makes these calls directly, never through its privileged actions.
        new Call(DISPATCHER, "invokeServiceListenerCallback", "org/osgi/framework/ServiceListener", "serviceChanged",
                "(Lorg/osgi/framework/ServiceEvent;)V", DISPATCHER_ID + "invokeServiceListenerCallback", Pass.AROUND),
        new Call(DISPATCHER, "invokeBundleListenerCallback", "org/osgi/framework/BundleListener", "bundleChanged",
                "(Lorg/osgi/framework/BundleEvent;)V", DISPATCHER_ID + "invokeBundleListenerCallback", Pass.AROUND),
        new Call(DISPATCHER, "invokeFrameworkListenerCallback", "org/osgi/framework/FrameworkListener",
                "frameworkEvent", "(Lorg/osgi/framework/FrameworkEvent;)V",
                DISPATCHER_ID + "invokeFrameworkListenerCallback", Pass.AROUND));

    private CallSiteTable() {
    }
}
