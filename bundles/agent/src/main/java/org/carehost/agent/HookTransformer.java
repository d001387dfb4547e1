package org.carehost.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AdviceAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Inserts, at the entry of each hooked method, {@code CarehostGate.check(id, self, args)}. Only code is added at the
 * very start (after the super constructor call in a constructor), with no branch and an empty stack afterwards, so
 * the method's stack map frames stay valid and no class has to be loaded to compute new ones; retransformation
 * allows exactly this (no new fields or methods).
 */
final class HookTransformer implements ClassFileTransformer {

    static final String GATE = "java/lang/CarehostGate";
    private static final Method CHECK = new Method("check", "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V");

    private final Hooks hooks;
    private final List<String> failures;

    HookTransformer(Hooks hooks, List<String> failures) {
        this.hooks = hooks;
        this.failures = failures;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (className == null) {
            return null;
        }
        List<Hooks.Hook> here = hooks.in(className);
        if (here.isEmpty()) {
            return null;
        }
        try {
            return instrument(bytes, here);
        } catch (RuntimeException | LinkageError e) {
            failures.add(className + ": " + e);
            System.err.println("carehost agent: could not hook " + className + ": " + e);
            return null;
        }
    }

    static byte[] instrument(byte[] bytes, List<Hooks.Hook> here) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                owner = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return next;
                }
                for (Hooks.Hook hook : here) {
                    if (hook.matches(name, descriptor)) {
                        return new Entry(next, access, name, descriptor, owner, hook);
                    }
                }
                return next;
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** The call at the method's entry. */
    private static final class Entry extends AdviceAdapter {
        private final String owner;
        private final Hooks.Hook hook;
        private final boolean isStatic;

        Entry(MethodVisitor next, int access, String name, String descriptor, String owner, Hooks.Hook hook) {
            super(Opcodes.ASM9, next, access, name, descriptor);
            this.owner = owner;
            this.hook = hook;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        }

        @Override
        protected void onMethodEnter() {
            push(hook.id());
            if (isStatic || hook.self() == Hooks.Self.NONE) {
                visitInsn(Opcodes.ACONST_NULL);
            } else if (hook.self() == Hooks.Self.THIS) {
                loadThis();
            } else {
                loadThis();
                getField(Type.getObjectType(owner), hook.field(), Type.getType(hook.fieldDescriptor()));
            }
            loadArgArray();
            invokeStatic(Type.getObjectType(GATE), CHECK);
        }
    }
}
