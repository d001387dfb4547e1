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
        ClassLoader loader = new ClassLoader(ClassRenameTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String binary) throws ClassNotFoundException {
                if (!binary.equals(name.replace('/', '.'))) {
                    throw new ClassNotFoundException(binary);
                }
                return defineClass(binary, renamed, 0, renamed.length);
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
        gate.getMethod("claim", BiConsumer.class).invoke(null, checker);
        assertTrue((Boolean) gate.getMethod("claimed").invoke(null));
        Method check = gate.getMethod("check", String.class, Object.class, Object[].class);
        check.invoke(null, "java.io.File.delete", null, new Object[0]);
        InvocationTargetException refused = assertThrows(InvocationTargetException.class,
                () -> check.invoke(null, "refused", null, new Object[0]));
        assertTrue(refused.getCause() instanceof SecurityException, String.valueOf(refused.getCause()));
        assertEquals(List.of("java.io.File.delete", "refused"), seen);
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
