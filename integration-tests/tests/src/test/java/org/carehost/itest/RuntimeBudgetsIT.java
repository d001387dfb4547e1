package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
 * or timer it made (whose threads the JDK starts) or in tasks it handed to the common pool; and a container thread
 * is never left in its charge nor interrupted for it: not after a task of the plugin's threw out of its run on that
 * thread, nor while a container's task runs inside a plugin's task that joins it. Each waits for the quarantine, a
 * positive signal. Runs on JDK 17 and, as a second failsafe execution, on JDK 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeBudgetsIT {

    /** Allocated by the container's thread; a field, so that the allocation is not optimised away. */
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
        awaitQuarantined(plugin, "quarantined");
        RuntimeAttacker.awaitDenialAudited(context, "quarantined");
        plugin.start();
        Await.until("started again", 20_000, () -> Fixtures.hasFunctionProbe(context, "runtime"));
        assertFalse(String.join(" ", security.refusals(plugin)).contains("quarantined"));
    }

    /**
     * A task the plugin left running starts the plugin again once the quarantine has stopped it: before, that lifted
     * the quarantine (any start did), so a plugin could undo its own. The task is JDK code only, which the stop of the
     * plugin's code does not end.
     */
    @Test
    public void aQuarantinedPluginCannotStartItselfAgain() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        assertEquals("done: waiting to start itself again", attack("restart-when-stopped"));
        RuntimeAttacker.assertDenied(attack("threads:40"), "threads");
        awaitQuarantined(plugin, "quarantined");
        RuntimeAttacker.awaitDenialAudited(context, "itself, while it is quarantined");
        assertTrue("still stopped", plugin.getState() != Bundle.ACTIVE);
        assertTrue(why(plugin), why(plugin).contains("quarantined"));
        plugin.start(); // an operator's start lifts it
        Await.until("started again", 20_000, () -> Fixtures.hasFunctionProbe(context, "runtime"));
        assertFalse(String.join(" ", security.refusals(plugin)).contains("quarantined"));
    }

    /**
     * A plugin refused in a tight loop: each refusal was logged, posted and audited one by one, queued faster than the
     * security manager's worker wrote them, without a bound. Now the first of each second are, and the rest are counted:
     * their number goes with the plugin's next audited refusal. Every call is still refused.
     */
    @Test
    public void aFloodOfRefusalsIsCountedNotQueued() throws Exception {
        RuntimeAttacker.running(context, security);
        assertEquals("done: 20000 refused", attack("refusal-flood:20000"));
        // refused again until one is audited with the count of those before it (the first of a later second)
        Await.until("a refusal audited with the count of the flood's unaudited ones", 20_000, () -> {
            try {
                attack("read-io:/etc/hostname");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return RuntimeAttacker.deniedRecords(context, "in a flood, counted but not audited one by one") > 0;
        });
        long audited = RuntimeAttacker.deniedRecords(context, "/etc/hostname");
        assertTrue("a few seconds' worth of the 20,000 refusals audited one by one: " + audited, audited > 0
                && audited <= 20 * 50);
    }

    @Test
    public void aPluginOverItsAllocationBudgetIsQuarantinedAndItsThreadsInterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("allocation plugin " + RuntimeAttacker.BSN + " 20", () -> {
            assertEquals("done: allocating", attack("allocate"));
            awaitQuarantined(plugin, "MB/s");
            Await.until("its allocating thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-hog"));
        });
    }

    /**
     * Native memory outside the heap's bound (red team 2 took 3 GB through Deflaters, no budget tripped): the Deflaters
     * and direct buffers a plugin holds count against its native-memory budget, the making that would take it over is
     * refused (not quarantined: an object dropped without being ended counts until collected); what it gives back
     * (end()) counts no more, so a plugin that makes and ends thousands stays within a budget of a few.
     */
    @Test
    public void nativeMemoryAPluginHoldsIsBoundedByItsBudget() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("native-memory plugin " + RuntimeAttacker.BSN + " 16", () -> {
            assertEquals("done: made and ended 2000 deflaters", attack("end-deflaters:2000"));
            String answer = attack("hold-deflaters:10000");
            // 16 MiB at about 262 KiB a Deflater: 62 fit, fewer if it holds anything else
            assertTrue(answer, answer.startsWith("done: refused after ") && answer.contains("native memory"));
            int made = Integer.parseInt(answer.substring("done: refused after ".length(), answer.indexOf(" deflaters")));
            assertTrue(answer, made >= 50 && made <= 62);
            RuntimeAttacker.awaitDenialAudited(context, "native memory");
            assertEquals("refused, not stopped", Bundle.ACTIVE, plugin.getState());
        });
        withBudgets("native-memory plugin " + RuntimeAttacker.BSN + " 64", () -> {
            String answer = attack("hold-direct:1000");
            // 64 MiB of 1 MiB buffers, less the 12 to 16 MiB of Deflaters it still holds
            assertTrue(answer, answer.startsWith("done: refused after ") && answer.contains("native memory"));
            int made = Integer.parseInt(answer.substring("done: refused after ".length(), answer.indexOf(" direct")));
            assertTrue(answer, made >= 44 && made <= 52);
        });
    }

    /**
     * A plugin thread whose {@code interrupt} never returns: the budget watch interrupted a quarantined plugin's threads
     * itself, on its one thread, so that thread was held (25 s here, for ever in an attack) and no budget of any plugin
     * was watched meanwhile. Now only the quarantine's own thread for that plugin interrupts them; the watch goes on,
     * and quarantines the plugin again as soon as, started again, it is over again (a second such thread).
     */
    @Test
    public void aThreadWhoseInterruptNeverReturnsDoesNotHoldTheBudgetWatch() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("allocation plugin " + RuntimeAttacker.BSN + " 20", () -> {
            assertEquals("done: allocating", attack("allocate-stuck-on-interrupt"));
            awaitQuarantined(plugin, "MB/s");
            // an operator's start; its first thread's code was stopped with the quarantine, so a second one allocates
            RuntimeAttacker.running(context, security);
            assertEquals("done: allocating", attack("allocate-stuck-on-interrupt"));
            Await.until("quarantined again while the first quarantine's interrupt is still held", 15_000,
                    () -> plugin.getState() != Bundle.ACTIVE && whySays(plugin, "MB/s"));
        });
    }

    /**
     * Red team 9's spinner: a loop that ignores interrupts and catches whatever is thrown into it ran on for good after
     * its plugin was quarantined (Java cannot stop a thread from outside). The quarantine now stops the plugin's code:
     * the polls woven into its classes throw at its loop's next turn, and the thread ends.
     */
    @Test
    public void aSpinnerThatIgnoresInterruptsAndCatchesEverythingEndsOnceQuarantined() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            assertEquals("done: spinning, deaf", attack("spin-deaf"));
            awaitQuarantinedForCpu(plugin);
            Await.until("the deaf spinner's thread ends", 30_000, () -> !threadNamed("evil-runtime-deaf"));
        });
        // started again, the quarantine is lifted and its code runs again (the attack's own call runs it on this
        // thread, and would throw if it were still stopped), and spins until quarantined once more
        RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            assertEquals("done: spinning, deaf", attack("spin-deaf"));
            awaitQuarantinedForCpu(plugin);
            Await.until("the second deaf spinner's thread ends", 30_000, () -> !threadNamed("evil-runtime-deaf"));
        });
    }

    /**
     * Red team 12: code that catches the stop of its code at many places, one after another (no loop), had its thread
     * parked for good at the 64th catch (the deploy watcher's, in their attack, holding a plugin's lock). Only coming
     * back to one place is a loop now: this thread catches 70 times at 70 places, and ends.
     */
    @Test
    public void aThreadCatchingTheStopAtManyPlacesUnwindsAndIsNotParked() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            assertEquals("done: spinning, catching", attack("spin-catching"));
            awaitQuarantinedForCpu(plugin);
            Await.until("the catching thread ends, not parked", 30_000, () -> !threadNamed("evil-runtime-catching"));
        });
    }

    @Test
    public void spinsOnTheCommonPoolThroughSupplyAsyncOnItsOwnPoolAndOnItsOwnTimerAreQuarantinedAndInterrupted()
            throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        // 5 % of a core over 5 s: a spinner gets that much even on a loaded machine, within a second or two
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            // its own threads idle: the work is in tasks on the common pool's workers (the JDK's), in a task
            // supplyAsync runs (the common pool, or a thread the JDK starts for it), and on threads the JDK starts for a
            // pool and a timer it made
            assertEquals("done: spinning on the common pool, through supplyAsync, on a pool and on a timer of its own",
                    attack("spin-everywhere"));
            awaitQuarantinedForCpu(plugin);
            // each was seen as the plugin's work: interrupted (a task on a shared worker, or queued behind one, as it
            // starts), so each spinner ends and gives its thread its name back
            Await.until("every spinner ends, interrupted", 30_000, () -> !threadNamed("evil-runtime-common-pool")
                    && !threadNamed("evil-runtime-supply-async") && !threadNamed("evil-runtime-own-pool")
                    && !threadNamed("evil-runtime-timer"));
            RuntimeAttacker.awaitDenialAudited(context, "% of a core");
            assertTrue("the container keeps answering", security.status().runtimeLayer().startsWith("on"));
        });
    }

    @Test
    public void aPluginsTaskThatThrowsOnAContainerThreadLeavesThatThreadUnchargedAndUninterrupted() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("allocation plugin " + RuntimeAttacker.BSN + " 20\ncpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            AtomicReference<Runnable> handed = new AtomicReference<>();
            Consumer<Object> taker = code -> handed.set((Runnable) code);
            assertEquals("handed", Fixtures.handProbe(context, "runtime", taker));
            // a container thread (as Felix's start-level thread calling a plugin's activator) runs the plugin's code,
            // which runs a FutureTask of its own whose done() throws out of run(); then the thread goes on with the
            // container's work: 1 MB at a time, at most about 100 MB/s (five times the plugin's allocation budget), and a
            // byte written to a channel of its own each time (an interrupt would close it), until the plugin is stopped
            AtomicLong allocated = new AtomicLong();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Path file = Files.createTempFile("container-work", ".bin");
            Thread container = new Thread(() -> {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    handed.get().run();
                    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (plugin.getState() == Bundle.ACTIVE && System.nanoTime() < giveUp
                            && !Thread.currentThread().isInterrupted()) {
                        byte[] chunk = new byte[1 << 20];
                        sink = chunk;
                        allocated.addAndGet(chunk.length);
                        channel.write(ByteBuffer.wrap(chunk, 0, 1));
                        LockSupport.parkNanos(10_000_000L);
                    }
                    outcome.complete("interrupted " + Thread.currentThread().isInterrupted() + ", channel open "
                            + channel.isOpen());
                } catch (Throwable e) {
                    outcome.complete("failed: " + e);
                }
            }, "carehost-test-container-worker");
            container.start();
            Await.until("the container thread is past the plugin's code and at work", 20_000,
                    () -> allocated.get() >= 50L << 20 || outcome.isDone());
            assertFalse("the container thread stopped early (" + outcome.getNow(null) + "): " + why(plugin),
                    outcome.isDone());
            // then the plugin spins on a thread of its own, allocating nothing: the quarantine that follows says which
            // budget it was over. Had the container thread stayed in the plugin's charge, its allocation (going on until
            // the plugin is stopped) would have been found over its budget first, at that same look or an earlier one
            assertEquals("done: spinning", attack("spin"));
            awaitQuarantinedForCpu(plugin);
            assertFalse(why(plugin), why(plugin).contains("MB/s"));
            assertEquals("interrupted false, channel open true", outcome.get(30, TimeUnit.SECONDS));
            Await.until("its spinning thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-spinner"));
            Files.deleteIfExists(file);
        });
    }

    @Test
    public void aContainerTaskRunInsideAPluginsTaskWhileItJoinsIsNotInterruptedByItsQuarantine() throws Exception {
        Bundle plugin = RuntimeAttacker.running(context, security);
        withBudgets("cpu plugin " + RuntimeAttacker.BSN + " 5", () -> {
            ForkJoinPool pool = new ForkJoinPool(1); // the container's: one worker, so the join runs the task in place
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Path file = Files.createTempFile("container-task", ".bin");
            ForkJoinTask<String> containers = ForkJoinTask.adapt(() -> {
                boolean inside = java.util.Arrays.stream(Thread.currentThread().getStackTrace())
                        .anyMatch(frame -> frame.getClassName().startsWith(RuntimeAttacker.BSN));
                started.countDown();
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    // the container's work goes on while the plugin is quarantined: a byte written every 10 ms (an
                    // interrupt would close the channel), an interruptible wait
                    while (!release.await(10, TimeUnit.MILLISECONDS)) {
                        channel.write(ByteBuffer.wrap(new byte[] {1}));
                    }
                    return "inside the plugin's task " + inside + ", interrupted " + Thread.currentThread().isInterrupted()
                            + ", channel open " + channel.isOpen();
                } catch (InterruptedException | IOException e) {
                    return "failed: " + e;
                }
            });
            try {
                assertEquals("joining", Fixtures.handProbe(context, "runtime", new Object[] {pool, containers}));
                assertTrue("the container's task started", started.await(20, TimeUnit.SECONDS));
                // the plugin goes over its CPU budget on a thread of its own while its task waits in that join
                assertEquals("done: spinning", attack("spin"));
                awaitQuarantinedForCpu(plugin);
                Await.until("its spinning thread ends, interrupted", 20_000, () -> !threadNamed("evil-runtime-spinner"));
                release.countDown();
                assertEquals("inside the plugin's task true, interrupted false, channel open true",
                        containers.get(30, TimeUnit.SECONDS));
                // the plugin's task, resumed after the join, spins: it is interrupted as it resumes, and ends
                assertTrue("the plugin's task ends, interrupted", pool.awaitQuiescence(30, TimeUnit.SECONDS));
            } finally {
                release.countDown();
                pool.shutdownNow();
                Files.deleteIfExists(file);
            }
        });
    }

    @Test
    public void aWorkerAContainersPoolStartsForAPluginsTaskIsNotThePlugins() throws Exception {
        RuntimeAttacker.running(context, security);
        ForkJoinPool pool = new ForkJoinPool(1); // the container's, no worker yet: the plugin's task makes it start one
        try {
            String answer = Fixtures.handProbe(context, "runtime", new Object[] {pool});
            // not marked as started by the plugin (not under its control, nor counted towards its thread budget)
            RuntimeAttacker.assertDenied(answer, "a thread it did not start");
            assertEquals(1, pool.getPoolSize());
        } finally {
            pool.shutdownNow();
        }
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
        awaitQuarantined(plugin, "% of a core");
    }

    /**
     * Waits until plugin:why says the plugin is quarantined for {@code reasonPart} and the plugin is stopped (the
     * refusal is recorded before the stop): decided from the quarantine itself, not from the plugin's state alone,
     * which a policy reload's restart of the plugin also takes through RESOLVED for a moment.
     */
    private void awaitQuarantined(Bundle plugin, String reasonPart) throws Exception {
        String[] why = new String[1];
        try {
            Await.until("plugin:why says quarantined (" + reasonPart + ") and it is stopped", 30_000, () -> {
                try {
                    why[0] = why(plugin);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return why[0].contains("quarantined") && why[0].contains(reasonPart)
                        && plugin.getState() != Bundle.ACTIVE;
            });
        } catch (AssertionError notSaid) {
            throw new AssertionError(notSaid.getMessage() + "; plugin:why said: " + why[0], notSaid);
        }
    }

    private boolean whySays(Bundle plugin, String part) {
        try {
            return why(plugin).contains(part);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
