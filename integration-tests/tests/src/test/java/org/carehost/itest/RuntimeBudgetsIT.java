package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.inject.Inject;

import org.carehost.plugins.PluginManager;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The run-time budgets (threads, allocation, CPU) of a plugin that gets past the scan (the evil-runtime fixture):
 * over any, it is quarantined and its work interrupted, whether that work runs on threads its code started, on a pool
 * or timer it made (whose threads the JDK starts) or in tasks it handed to the common pool; and the container's own work on the
 * common pool is never charged to it. Each waits for the quarantine, a positive signal. Runs on JDK 17 and, as a second
 * failsafe execution, on JDK 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeBudgetsIT {

    /** Allocated by the container's task on the common pool; a field, so that the allocation is not optimised away. */
    private static volatile Object sink;

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    PluginManager plugins;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("budgets")};
    }

    @Test
    public void aPluginOverItsThreadBudgetIsQuarantinedUntilStartedAgain() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        String answer = attack("threads:40");
        RuntimeAttacker.assertDenied(answer, "threads");
        Await.until("the plugin is stopped", 20_000, () -> plugin.getState() != Bundle.ACTIVE);
        assertTrue(why(plugin), why(plugin).contains("quarantined"));
        RuntimeAttacker.awaitDenialAudited(context, "quarantined");
        plugin.start();
        Await.until("started again", 20_000, () -> Fixtures.hasFunctionProbe(context, "runtime"));
        assertFalse(String.join(" ", security.refusals(plugin)).contains("quarantined"));
    }

    @Test
    public void aPluginOverItsAllocationBudgetIsQuarantinedAndItsThreadsInterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("allocation plugin " + RuntimeAttacker.BSN + " 20", () -> {
            assertEquals("done: allocating", attack("allocate"));
            Await.until("the plugin is stopped", 20_000, () -> plugin.getState() != Bundle.ACTIVE);
            assertTrue(why(plugin), why(plugin).contains("quarantined") && why(plugin).contains("MB/s"));
            Await.until("its allocating thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-hog"));
        });
    }

    @Test
    public void aPluginWhoseThreadSpinsWithoutAllocatingIsQuarantined() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        // 5 % of a core over 5 s: a spinner gets that much even on a loaded machine, within a second or two
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            assertEquals("done: spinning", attack("spin"));
            awaitQuarantinedForCpu(plugin);
            Await.until("its spinning thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-spinner"));
            RuntimeAttacker.awaitDenialAudited(context, "% of a core");
            assertTrue("the container keeps answering", security.status().runtimeLayer().startsWith("on"));
        });
    }

    @Test
    public void aPluginSpinningInATaskOnTheCommonPoolIsQuarantinedAndTheTaskInterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            // its task never ends by itself: the budget sees it while it runs
            assertEquals("done: spinning on the common pool", attack("pool-spin"));
            awaitQuarantinedForCpu(plugin);
            Await.until("the common pool is quiescent: the spinning task was interrupted", 20_000,
                    () -> ForkJoinPool.commonPool().isQuiescent());
            RuntimeAttacker.awaitDenialAudited(context, "% of a core");
        });
    }

    @Test
    public void aPluginSpinningOnAPoolItMadeIsQuarantinedAndItsWorkerInterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            // Executors.newFixedThreadPool: the worker is started by the JDK's code, yet it is the plugin's own
            assertEquals("done: spinning on a pool of its own", attack("own-pool-spin"));
            awaitQuarantinedForCpu(plugin);
            Await.until("its pool's worker ends, its task interrupted", 20_000,
                    () -> !threadNamed("evil-runtime-pool-spinner"));
        });
    }

    @Test
    public void aPluginSpinningOnATimerItMadeIsQuarantinedAndItsTimerThreadInterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            // java.util.Timer: its thread is started by the JDK's Timer constructor, yet it is the plugin's own
            assertEquals("done: spinning on a timer of its own", attack("timer-spin"));
            awaitQuarantinedForCpu(plugin);
            Await.until("its timer's thread ends, its task interrupted", 20_000,
                    () -> !threadNamed("evil-runtime-timer"));
        });
    }

    @Test
    public void containerWorkOnTheCommonPoolIsNeverChargedToAPlugin() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("allocation plugin " + RuntimeAttacker.BSN + " 20\ncpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            AtomicReference<ForkJoinTask<?>> handed = new AtomicReference<>();
            Consumer<Object> taker = task -> handed.set((ForkJoinTask<?>) task);
            assertEquals("handed", Fixtures.handProbe(context, "runtime", taker));
            // a task of the container's on the common pool runs the plugin's task inside itself (charged to the
            // plugin, until it ends), then allocates 1 GB: 50 times the plugin's allocation budget in a second
            long allocated = ForkJoinPool.commonPool().submit(() -> {
                handed.get().invoke();
                long total = 0;
                for (int i = 0; i < 1024; i++) {
                    byte[] chunk = new byte[1 << 20];
                    sink = chunk;
                    total += chunk.length;
                }
                return total;
            }).get(30, TimeUnit.SECONDS);
            assertEquals(1L << 30, allocated);
            assertEquals("quarantined for the container's work: " + why(plugin), Bundle.ACTIVE, plugin.getState());
            // then the plugin spins on a thread of its own, allocating nothing: the quarantine that follows says
            // which budget the plugin was over. Had the container's gigabyte been charged to it, the allocation budget
            // would have been found over first (at that same look or an earlier one).
            assertEquals("done: spinning", attack("spin"));
            awaitQuarantinedForCpu(plugin);
            assertFalse(why(plugin), why(plugin).contains("MB/s"));
            Await.until("its spinning thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-spinner"));
        });
    }

    // ---- helpers

    private interface Body {
        void run() throws Exception;
    }

    /** Runs body with these budget lines added to the policy, then puts the policy back as it was. */
    private void withBudgets(String lines, Body body) throws Exception {
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.readString(policy);
        Files.writeString(policy, before + "\n" + lines + "\n");
        try {
            security.grant(RuntimeAttacker.BSN, List.of(Permission.USE_FILES)); // an edit reloads the policy first
            body.run();
        } finally {
            Files.writeString(policy, before);
            security.grant(RuntimeAttacker.BSN, List.of(Permission.USE_FILES));
        }
    }

    private void awaitQuarantinedForCpu(Bundle plugin) throws Exception {
        Await.until("the plugin is stopped", 30_000, () -> plugin.getState() != Bundle.ACTIVE);
        String why = why(plugin);
        assertTrue(why, why.contains("quarantined") && why.contains("% of a core"));
    }

    private String why(Bundle plugin) throws Exception {
        return String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
    }

    private String attack(String attack) throws Exception {
        return Fixtures.applyProbe(context, "runtime", attack);
    }

    private static boolean threadNamed(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name) && thread.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
