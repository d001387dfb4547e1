package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.carehost.security.weaving.Spinners;
import org.carehost.security.weaving.TestGate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The weaving of a plugin's class: a poll at each method's entry, backward jump and handler, through which stopped
 * code ends ({@link StopPolls}), and the monitor check. The woven class is defined and run (a frame the weaving broke
 * fails its verification), calling a test gate that counts polls and throws from a given count on.
 */
class PluginClassWeaverTest {

    private static final String GATE = "org/carehost/security/weaving/TestGate";

    @BeforeEach
    void reset() {
        TestGate.reset();
    }

    @Test
    void aLoopPollsOnceATurnAndOnceAtTheMethodsEntryNamingItsClass() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        assertEquals(499_500L, call(woven, "count", 1000));
        assertEquals(1001, TestGate.polls, "one poll at the entry and one at each of the loop's jumps back");
        assertSame(woven, TestGate.named.get(0));
    }

    @Test
    void aSpinThatIgnoresInterruptsEndsAtTheStop() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        TestGate.stopAfter = 100_000;
        Throwable thrown = assertThrows(InvocationTargetException.class, () -> call(woven, "spin")).getCause();
        assertInstanceOf(TestGate.StoppedForTest.class, thrown);
    }

    @Test
    void aLoopThatCatchesEverythingAndRunsOnEndsAtTheStopToo() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        TestGate.stopAfter = 100_000;
        // the inner spin's stop is caught; the poll at the handler (or at the outer loop's jump back) ends it
        Throwable thrown = assertThrows(InvocationTargetException.class, () -> call(woven, "deaf")).getCause();
        assertInstanceOf(TestGate.StoppedForTest.class, thrown);
    }

    @Test
    void aStoppedSynchronizedBlockReleasesItsMonitorAsItUnwinds() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        TestGate.stopAfter = 100_000;
        Object lock = new Object();
        Throwable thrown = assertThrows(InvocationTargetException.class, () -> call(woven, "spinLocked", lock))
                .getCause();
        assertInstanceOf(TestGate.StoppedForTest.class, thrown);
        // the handler javac writes for the block (it covers itself) ran: its poll lets it release the monitor
        assertTrue(TestGate.handlerPolls >= 1);
        assertTrue(!Thread.holdsLock(lock), "the monitor is still held after the stop");
    }

    @Test
    void aLoopMadeOfExceptionsIsParkedAtItsHandlerPoll() throws Exception {
        Class<?> woven = woven("loops.Thrower", throwerOfJava6());
        TestGate.parkAfter = 1000;
        Thread looping = new Thread(() -> {
            try {
                call(woven, "loop");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "exception-loop");
        looping.setDaemon(true); // parked for good once the test is over, as the container parks such a thread
        looping.start();
        while (looping.getState() != Thread.State.WAITING) { // parked: a state, not a timer
            assertTrue(looping.isAlive(), "the loop ended instead of being parked");
            Thread.onSpinWait();
        }
        assertEquals(1000, TestGate.handlerPolls);
    }

    @Test
    void switchesRecursionAndConstructorsPoll() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        assertEquals(300, call(woven, "switching", 300));
        assertTrue(TestGate.polls >= 300, "polls in a loop through a switch: " + TestGate.polls);
        TestGate.reset();
        assertEquals(50, call(woven, "recurse", 50));
        assertEquals(51, TestGate.polls, "one poll at each call's entry");
        TestGate.reset();
        Object made = woven.getConstructor(int.class).newInstance(100);
        assertEquals(4950, woven.getMethod("start").invoke(made));
        assertEquals(102, TestGate.polls, "the constructor's entry, its loop's jumps back and start()'s entry");
    }

    @Test
    void aMonitorIsCheckedBeforeItIsTaken() throws Exception {
        Class<?> woven = woven(Spinners.class.getName(), bytesOf(Spinners.class));
        Object lock = new Object();
        assertEquals(1, call(woven, "locked", lock));
        assertEquals(java.util.List.of(PluginClassWeaver.MONITOR_HOOK + " " + lock), TestGate.locked);
    }

    @Test
    void aClassFileFromBeforeJava5PollsThroughItsCaller() throws Exception {
        Class<?> woven = woven("old.Looper", looperOfJava14());
        assertEquals(20, call(woven, "loop", 20));
        assertEquals(21, TestGate.polls);
        assertSame(woven, TestGate.named.get(0), "the caller looked up is the woven class");
    }

    /** A class of version 48 (Java 1.4: no class constants, no frames) whose static loop(int) counts up to its argument. */
    private static byte[] looperOfJava14() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "old/Looper", null, "java/lang/Object", null);
        MethodVisitor loop = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "loop", "(I)I", null, null);
        loop.visitCode();
        Label test = new Label();
        Label end = new Label();
        loop.visitInsn(Opcodes.ICONST_0);
        loop.visitVarInsn(Opcodes.ISTORE, 1);
        loop.visitLabel(test);
        loop.visitVarInsn(Opcodes.ILOAD, 1);
        loop.visitVarInsn(Opcodes.ILOAD, 0);
        loop.visitJumpInsn(Opcodes.IF_ICMPGE, end);
        loop.visitIincInsn(1, 1);
        loop.visitJumpInsn(Opcodes.GOTO, test);
        loop.visitLabel(end);
        loop.visitVarInsn(Opcodes.ILOAD, 1);
        loop.visitInsn(Opcodes.IRETURN);
        loop.visitMaxs(0, 0);
        loop.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * A class of version 50 (no frames needed) whose static loop() throws, and whose handler covers itself and throws
     * again: a loop with no backward jump and no call, only handlers.
     */
    private static byte[] throwerOfJava6() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_6, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "loops/Thrower", null, "java/lang/Object",
                null);
        MethodVisitor loop = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "loop", "()V", null, null);
        loop.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label handlerEnd = new Label();
        loop.visitTryCatchBlock(start, end, handler, null);
        loop.visitTryCatchBlock(handler, handlerEnd, handler, null);
        loop.visitLabel(start);
        loop.visitInsn(Opcodes.ACONST_NULL);
        loop.visitInsn(Opcodes.ATHROW);
        loop.visitLabel(end);
        loop.visitLabel(handler);
        loop.visitInsn(Opcodes.POP);
        loop.visitInsn(Opcodes.ACONST_NULL);
        loop.visitInsn(Opcodes.ATHROW);
        loop.visitLabel(handlerEnd);
        loop.visitMaxs(0, 0);
        loop.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static byte[] bytesOf(Class<?> type) throws Exception {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The class woven and defined in a loader of its own (the gate class comes from the test's). */
    private static Class<?> woven(String name, byte[] original) throws Exception {
        byte[] bytes = PluginClassWeaver.weave(original, GATE);
        ClassLoader loader = new ClassLoader(PluginClassWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String wanted, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(wanted)) {
                    if (wanted.equals(name)) {
                        Class<?> loaded = findLoadedClass(wanted);
                        return loaded != null ? loaded : defineClass(wanted, bytes, 0, bytes.length);
                    }
                    return super.loadClass(wanted, resolve);
                }
            }
        };
        return loader.loadClass(name);
    }

    private static Object call(Class<?> type, String method, Object... args) throws Exception {
        for (Method each : type.getMethods()) {
            if (each.getName().equals(method) && each.getParameterCount() == args.length) {
                return each.invoke(null, args);
            }
        }
        throw new NoSuchMethodException(method);
    }
}
