package org.carehost.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * The gate renamed in its constant pool ({@link ClassRename}, what the agent defines as {@code java.lang.CarehostGate})
 * is the class ASM's remapper made of it before, and a class the JVM defines, verifies and runs.
 */
class ClassRenameTest {

    private static final String TEMPLATE = "org/carehost/agent/boot/Gate";

    @Test
    void theGateRenamedIsWhatAsmsRemapperMadeOfIt() throws Exception {
        byte[] template = template();
        byte[] renamed = ClassRename.rename(template, TEMPLATE, HookTransformer.GATE);
        ClassWriter byAsm = new ClassWriter(0);
        new ClassReader(template).accept(new ClassRemapper(byAsm, new SimpleRemapper(TEMPLATE, HookTransformer.GATE)), 0);
        // both written again by ASM without the reader's pool: equal structure gives equal bytes
        assertArrayEquals(normalised(byAsm.toByteArray()), normalised(renamed));
        assertEquals(HookTransformer.GATE, new ClassReader(renamed).getClassName());
        String text = new String(renamed, StandardCharsets.ISO_8859_1); // the names are ASCII
        assertFalse(text.contains("org/carehost/agent/boot"), "the old name is left in the constant pool");
        assertTrue(text.contains(HookTransformer.GATE));
    }

    @Test
    void theRenamedGateIsDefinedVerifiedAndWorks() throws Exception {
        // java.lang is the boot loader's alone: defined here under another name of its own package, in a loader of
        // the test's own, so the JVM verifies it (the agent's java.lang one is defined and run by every IT)
        String name = "org/carehost/agent/boot/RenamedGate";
        byte[] renamed = ClassRename.rename(template(), TEMPLATE, name);
        // the gate takes a check from the class hooked for its id only: a class of the test's own calls it, as a
        // hooked method would (invokestatic, no reflection frame between)
        String callerName = "org/carehost/agent/boot/HookedCaller";
        byte[] caller = callerOf(name, callerName);
        ClassLoader loader = new ClassLoader(ClassRenameTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String binary) throws ClassNotFoundException {
                byte[] bytes = binary.equals(name.replace('/', '.')) ? renamed
                        : binary.equals(callerName.replace('/', '.')) ? caller : null;
                if (bytes == null) {
                    throw new ClassNotFoundException(binary);
                }
                return defineClass(binary, bytes, 0, bytes.length);
            }
        };
        Class<?> gate = Class.forName(name.replace('/', '.'), true, loader);
        assertEquals(name.replace('/', '.'), gate.getName());
        Method placing = gate.getDeclaredMethod("placing");
        Method placed = gate.getDeclaredMethod("placed", String.class);
        placing.setAccessible(true);
        placed.setAccessible(true);
        placing.invoke(null);
        placed.invoke(null, (Object) null); // Gate.class.wait/notifyAll: its own class constant, renamed
        List<String> seen = new ArrayList<>();
        BiConsumer<String, Object[]> checker = (hook, call) -> {
            seen.add(hook);
            if (hook.equals("refused")) {
                throw new SecurityException("no");
            }
        };
        // which class calls the gate with each id: the test's caller stands in for a hooked class outside the JDK (a
        // JDK one must also be loaded by the JDK's loaders)
        String hooked = callerName.replace('/', '.');
        Method outside = gate.getDeclaredMethod("outsideTheJdk", String[].class);
        Method callers = gate.getDeclaredMethod("callers", String[].class);
        outside.setAccessible(true);
        callers.setAccessible(true);
        outside.invoke(null, (Object) new String[] {hooked});
        callers.invoke(null, (Object) new String[] {"java.io.File.delete", hooked, "refused", hooked,
            "java.io.FileInputStream.open", "java.io.FileInputStream", "java.lang.ClassLoader.<init>", "java.lang.ClassLoader"});
        gate.getMethod("claim", BiConsumer.class).invoke(null, checker);
        assertTrue((Boolean) gate.getMethod("claimed").invoke(null));
        Method check = Class.forName(hooked, true, loader).getMethod("call", String.class);
        check.invoke(null, "java.io.File.delete");
        InvocationTargetException refused = assertThrows(InvocationTargetException.class,
                () -> check.invoke(null, "refused"));
        assertTrue(refused.getCause() instanceof SecurityException, String.valueOf(refused.getCause()));
        assertEquals(List.of("java.io.File.delete", "refused"), seen);
        // red team 13: code calling the gate itself, with an id it is not the hooked class of, or an id of the gate's
        // own (a poll of stopped code), is refused by the gate, and the checker never hears of it; so is a call by
        // reflection (the frame below the gate is then the JDK's reflection, hooked for nothing)
        for (String forged : List.of("java.io.FileInputStream.open", "java.lang.ClassLoader.<init>",
                "carehost.code-stopped", "carehost.stop-code", "no.such.hook")) {
            InvocationTargetException gateRefused = assertThrows(InvocationTargetException.class,
                    () -> check.invoke(null, forged));
            assertTrue(gateRefused.getCause() instanceof SecurityException, String.valueOf(gateRefused.getCause()));
            assertTrue(gateRefused.getCause().getMessage().contains("asked for by " + hooked + ", not by the method it"
                    + " names"), gateRefused.getCause().getMessage());
        }
        Method direct = gate.getMethod("check", String.class, Object.class, Object[].class);
        InvocationTargetException reflected = assertThrows(InvocationTargetException.class,
                () -> direct.invoke(null, "java.io.File.delete", null, null));
        assertTrue(reflected.getCause() instanceof SecurityException, String.valueOf(reflected.getCause()));
        assertEquals(List.of("java.io.File.delete", "refused"), seen);
    }

    /** A class {@code name} with {@code static void call(String id)}: {@code gate.check(id, null, null)}. */
    private static byte[] callerOf(String gate, String name) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, name, null,
                "java/lang/Object", null);
        org.objectweb.asm.MethodVisitor call = writer.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                | org.objectweb.asm.Opcodes.ACC_STATIC, "call", "(Ljava/lang/String;)V", null, null);
        call.visitCode();
        call.visitVarInsn(org.objectweb.asm.Opcodes.ALOAD, 0);
        call.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        call.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        call.visitMethodInsn(org.objectweb.asm.Opcodes.INVOKESTATIC, gate, "check",
                "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V", false);
        call.visitInsn(org.objectweb.asm.Opcodes.RETURN);
        call.visitMaxs(0, 0);
        call.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    @Test
    void aClassFileCutShortIsRefused() throws Exception {
        byte[] template = template();
        byte[] cut = java.util.Arrays.copyOf(template, 40);
        assertThrows(IllegalArgumentException.class, () -> ClassRename.rename(cut, TEMPLATE, HookTransformer.GATE));
        assertThrows(IllegalArgumentException.class, () -> ClassRename.rename(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                TEMPLATE, HookTransformer.GATE));
    }

    private static byte[] template() throws Exception {
        try (InputStream in = ClassRenameTest.class.getResourceAsStream("/" + TEMPLATE + ".class")) {
            return in.readAllBytes();
        }
    }

    private static byte[] normalised(byte[] bytes) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes).accept(writer, 0);
        return writer.toByteArray();
    }
}
