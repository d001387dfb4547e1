package org.carehost.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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
        byte[] hooked = HookTransformer.instrument(classFile(owner), hooks.in(owner), hooks.callsIn(owner));
        List<String> runWorker = gateCalls(hooked, "runWorker");
        // one before task.run(), one before each afterExecute (the task returned, or threw)
        assertEquals(List.of("java.util.concurrent.ThreadPoolExecutor.runTask",
                "java.util.concurrent.ThreadPoolExecutor.taskDone", "java.util.concurrent.ThreadPoolExecutor.taskDone"),
                runWorker);
        // beforeExecute and afterExecute themselves carry no hook: code that calls them makes nothing fire
        assertTrue(gateCalls(hooked, "beforeExecute").isEmpty());
        assertTrue(gateCalls(hooked, "afterExecute").isEmpty());
        assertEquals(List.of("java.util.concurrent.ThreadPoolExecutor.execute"), gateCalls(hooked, "execute"));
    }

    @Test
    void aCallHookWhoseCallSiteIsMissingIsAFailureNotASilentGap() throws IOException {
        // a class with a runWorker that never calls Runnable.run: the hook cannot be placed
        byte[] other = classFile("java/util/concurrent/ForkJoinPool");
        List<Hooks.Call> calls = new ArrayList<>(hooks.callsIn("java/util/concurrent/ThreadPoolExecutor"));
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> HookTransformer.instrument(other, List.of(), calls));
        assertTrue(failed.getMessage().contains("runWorker"), failed.getMessage());
    }

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
            return in.readAllBytes();
        }
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
