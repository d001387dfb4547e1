package org.carehost.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.carehost.security.ContainerBundles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.framework.Bundle;

/**
 * What the task hooks ({@link TaskOrigins}) cost: making a {@code FutureTask} (the agent reports each one made, and
 * the checker walks the stack to find whether a plugin causes it, recording it if so), in four forks:
 * <ul>
 * <li>{@link #noAgent}: no agent, no hook (the reference);</li>
 * <li>{@link #gateUnclaimed}: the agent, no checker;</li>
 * <li>{@link #containerMakes}: the security manager's checker ({@link RuntimeEnforcement}, its task path: no rule is
 * asked), the task made by container code (this class, on the class path): a walk that stops at the first frame;</li>
 * <li>{@link #pluginMakes}: the same checker, the task made by a plugin's class (one defined by a class loader the
 * checker was told a plugin created), so the walk finds the plugin and the task is recorded (a weak identity map).</li>
 * </ul>
 * Two more make and run a task ({@link #noAgentRuns}, {@link #containerRuns}): the hooks at its run's entry and end.
 * The task is dropped at once, as most are; what its recording leaves is collected with it. Run from the repository
 * root (the agent's path is relative to it):
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main TaskHook</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TaskHookBenchmark {

    /** Public: {@link PluginSide}, defined by another class loader, is in another run-time package. */
    public static final Runnable NOTHING = () -> { };

    /** No agent: the fork must not have the gate. */
    @State(Scope.Benchmark)
    public static class NoGate {
        @Setup(Level.Trial)
        public void setUp() {
            if (gate() != null) {
                throw new IllegalStateException("the gate is here: this fork must run without the agent");
            }
        }
    }

    /** The agent, no checker. */
    @State(Scope.Benchmark)
    public static class Unclaimed {
        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            if (gate() == null || Boolean.TRUE.equals(gate().getMethod("claimed").invoke(null))) {
                throw new IllegalStateException("this fork needs the agent (" + GateCheckBenchmark.AGENT + ", from the "
                        + "repository root) and an unclaimed gate");
            }
        }
    }

    /** The agent and the security manager's checker claimed, and a plugin's class to make tasks from. */
    @State(Scope.Benchmark)
    public static class Checked {
        Supplier<Object> plugin;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void setUp() throws ReflectiveOperationException, IOException {
            if (gate() == null) {
                throw new IllegalStateException("this fork needs the agent (" + GateCheckBenchmark.AGENT + ")");
            }
            Causes causes = new Causes(new PluginScope(new ContainerBundles("container:*", null)));
            PluginLoader loader = new PluginLoader();
            causes.created(loader, fakePlugin());
            plugin = (Supplier<Object>) loader.loadClass(PluginSide.class.getName()).getConstructor().newInstance();
            // rules and reporter are never asked on the task path; the logger only at open and close
            gate().getMethod("claim", BiConsumer.class).invoke(null, new RuntimeEnforcement(causes, null, null, null, null));
            if (!(plugin.get() instanceof FutureTask)) {
                throw new IllegalStateException("the plugin's class made no task");
            }
        }
    }

    @Benchmark
    @Fork(2)
    public Object noAgent(NoGate state) {
        return new FutureTask<>(NOTHING, null);
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = GateCheckBenchmark.AGENT)
    public Object gateUnclaimed(Unclaimed state) {
        return new FutureTask<>(NOTHING, null);
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = GateCheckBenchmark.AGENT)
    public Object containerMakes(Checked state) {
        return new FutureTask<>(NOTHING, null);
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = GateCheckBenchmark.AGENT)
    public Object pluginMakes(Checked state) {
        return state.plugin.get();
    }

    /** A task made and run (its run's entry and, since the budgets charge tasks, its end are hooked): no agent. */
    @Benchmark
    @Fork(2)
    public Object noAgentRuns(NoGate state) {
        FutureTask<Object> task = new FutureTask<>(NOTHING, null);
        task.run();
        return task;
    }

    /** The same with the checker: a container's task on a thread with no plugin task noted (no counter is read). */
    @Benchmark
    @Fork(value = 2, jvmArgsAppend = GateCheckBenchmark.AGENT)
    public Object containerRuns(Checked state) {
        FutureTask<Object> task = new FutureTask<>(NOTHING, null);
        task.run();
        return task;
    }

    /** Makes a task: loaded again by {@link PluginLoader}, it is a plugin's class to the checker. */
    public static final class PluginSide implements Supplier<Object> {
        @Override
        public Object get() {
            return new FutureTask<>(NOTHING, null);
        }
    }

    /** Defines {@link PluginSide} itself (from this class path's bytes); everything else comes from its parent. */
    static final class PluginLoader extends ClassLoader {
        PluginLoader() {
            super("bench-plugin", TaskHookBenchmark.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PluginSide.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException | NullPointerException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    /** A plugin bundle as far as the checker asks: an id, a location that is not the container's, a state. */
    private static Bundle fakePlugin() {
        return (Bundle) java.lang.reflect.Proxy.newProxyInstance(TaskHookBenchmark.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getBundleId": return 99L;
                        case "getLocation": return "bench:plugin";
                        case "getSymbolicName": return "bench.plugin";
                        case "getState": return Bundle.ACTIVE;
                        case "hashCode": return 99;
                        case "equals": return proxy == args[0];
                        case "toString": return "bench.plugin";
                        default: return null;
                    }
                });
    }

    private static Class<?> gate() {
        try {
            return Class.forName("java.lang.CarehostGate");
        } catch (ClassNotFoundException noAgent) {
            return null;
        }
    }
}
