package org.carehost.agent;

import static org.carehost.agent.HookedClass.classFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** The call-site hooks inside ThreadPoolExecutor.runWorker, placed on this JDK's own class file. */
class CallSitesTest {

    private final Hooks hooks = new Hooks();

    @Test
    void runWorkersTaskRunAndItsEndAreHookedWhereRunWorkerMakesThoseCalls() throws IOException {
        String owner = "java/util/concurrent/ThreadPoolExecutor";
        byte[] hooked = HookWriter.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        List<String> runWorker = gateCalls(hooked, "runWorker");
        // one before task.run(), one before each afterExecute (the task returned, or threw)
        assertEquals(List.of("java.util.concurrent.ThreadPoolExecutor.runTask",
                "java.util.concurrent.ThreadPoolExecutor.taskDone", "java.util.concurrent.ThreadPoolExecutor.taskDone"),
                runWorker);
        // beforeExecute and afterExecute themselves carry no hook: code that calls them makes nothing fire
        assertTrue(gateCalls(hooked, "beforeExecute").isEmpty());
        assertTrue(gateCalls(hooked, "afterExecute").isEmpty());
        assertEquals(List.of("java.util.concurrent.ThreadPoolExecutor.execute"), gateCalls(hooked, "execute"));
        assertEquals(List.of("java.util.concurrent.ThreadPoolExecutor.reject"), gateCalls(hooked, "reject"));
    }

    @Test
    void aPoolsWorkerStartIsHookedWithThePoolAndTheThread() throws IOException {
        for (String[] pool : new String[][] {{"java/util/concurrent/ThreadPoolExecutor", "addWorker"},
                {"java/util/concurrent/ForkJoinPool", "createWorker"}}) {
            byte[] hooked = HookWriter.instrument(classFile(pool[0]), hooks.in(pool[0]), hooks.callsIn(pool[0]));
            List<String> calls = gateCalls(hooked, pool[1]);
            assertFalse(calls.isEmpty(), pool[1]);
            assertTrue(calls.stream().allMatch(id -> id.equals(pool[0].replace('/', '.') + ".workerStarts")),
                    calls.toString());
            assertTrue(gateCalls(hooked, "<init>").contains(pool[0].replace('/', '.') + ".<init>"));
        }
    }

    @Test
    void aForkJoinPoolsDelaySchedulerStartIsHookedAsAWorkerStartWhereTheJdkHasOne() throws IOException {
        String owner = "java/util/concurrent/ForkJoinPool";
        byte[] hooked = HookWriter.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        // JDK 25: started through the pool's thread container, or directly; JDK 17 has no delay scheduler
        List<String> expected = Runtime.version().feature() >= 25
                ? List.of("java.util.concurrent.ForkJoinPool.workerStarts", "java.util.concurrent.ForkJoinPool.workerStarts")
                : List.of();
        assertEquals(expected, gateCalls(hooked, "startDelayScheduler"));
    }

    @Test
    void aTimersThreadStartIsHookedInTheOneConstructorThatStartsIt() throws IOException {
        String owner = "java/util/Timer";
        byte[] hooked = HookWriter.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        // four constructors, three delegating: only the one that starts the thread carries the hook
        assertEquals(List.of("java.util.Timer.threadStarts"), gateCalls(hooked, "<init>"));
    }

    @Test
    void aTasksRunIsHookedAtItsEntryAndBeforeEachReturn() throws IOException {
        String owner = "java/util/concurrent/FutureTask";
        byte[] hooked = HookWriter.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        List<String> run = gateCalls(hooked, "run");
        assertEquals("java.util.concurrent.FutureTask.run", run.get(0));
        assertTrue(run.size() > 1 && run.subList(1, run.size()).stream()
                .allMatch("java.util.concurrent.FutureTask.runEnd"::equals), run.toString());
        owner = "java/util/concurrent/ForkJoinTask";
        hooked = HookWriter.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        // its one return, and the handler for what it throws
        assertEquals(List.of("java.util.concurrent.ForkJoinTask.doExec", "java.util.concurrent.ForkJoinTask.doExecEnd",
                "java.util.concurrent.ForkJoinTask.doExecEnd"), gateCalls(hooked, "doExec"));
        assertTrue(lastHandlerCatchesAll(hooked, "doExec"));
        owner = "java/util/concurrent/FutureTask";
        assertTrue(lastHandlerCatchesAll(HookWriter.instrument(classFile(owner), hooks.in(owner),
                hooks.callsIn(owner)), "run"), "the method's own handlers come first, the exit hook's last");
    }

    @Test
    void aCallHookWhoseCallSiteIsMissingIsAFailureNotASilentGap() throws IOException {
        // a class with a runWorker that never calls Runnable.run: the hook cannot be placed
        byte[] other = classFile("java/util/concurrent/ForkJoinPool");
        List<Hooks.Call> calls = new ArrayList<>(hooks.callsIn("java/util/concurrent/ThreadPoolExecutor"));
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> HookWriter.instrument(other, List.of(), calls));
        assertTrue(failed.getMessage().contains("runWorker"), failed.getMessage());
    }

    /** Whether the method's last handler catches everything and covers the method from its entry hook on. */
    private static boolean lastHandlerCatchesAll(byte[] classFile, String method) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        for (MethodNode candidate : node.methods) {
            if (candidate.name.equals(method) && !candidate.tryCatchBlocks.isEmpty()) {
                org.objectweb.asm.tree.TryCatchBlockNode last = candidate.tryCatchBlocks.get(
                        candidate.tryCatchBlocks.size() - 1);
                return last.type == null && last.end == last.handler;
            }
        }
        return false;
    }

    /** The ids of the gate calls in a method, in order. */
    private static List<String> gateCalls(byte[] classFile, String method) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        List<String> ids = new ArrayList<>();
        for (MethodNode candidate : node.methods) {
            if (!candidate.name.equals(method)) {
                continue;
            }
            String lastId = null;
            for (AbstractInsnNode insn : candidate.instructions) {
                if (insn instanceof LdcInsnNode && ((LdcInsnNode) insn).cst instanceof String) {
                    lastId = (String) ((LdcInsnNode) insn).cst;
                }
                if (insn.getOpcode() == Opcodes.INVOKESTATIC && ((MethodInsnNode) insn).owner.equals(HookTransformer.GATE)) {
                    ids.add(lastId);
                }
            }
        }
        return ids;
    }
}
