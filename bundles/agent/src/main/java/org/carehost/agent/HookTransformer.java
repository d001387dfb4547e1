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
        List<Hooks.Call> calls = hooks.callsIn(className);
        if (here.isEmpty() && calls.isEmpty()) {
            return null;
        }
        try {
            return instrument(bytes, here, calls);
        } catch (RuntimeException | LinkageError e) {
            failures.add(className + ": " + e);
            System.err.println("carehost agent: could not hook " + className + ": " + e);
            return null;
        }
    }

    static byte[] instrument(byte[] bytes, List<Hooks.Hook> here, List<Hooks.Call> calls) {
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
                List<Hooks.Call> inHere = new java.util.ArrayList<>();
                for (Hooks.Call call : calls) {
                    if (call.method().equals(name)) {
                        inHere.add(call);
                    }
                }
                if (!inHere.isEmpty()) {
                    next = new CallSites(next, owner + "." + name, inHere);
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

    /**
     * The calls just before the call sites of {@link Hooks.Call}s: only operand-stack work (the receiver duplicated,
     * the id pushed, then the gate's call consumes what was pushed), no branch, no new local, so the method's stack map
     * frames stay valid. A call hook whose call site is not found in its method is a failure: the hook would be
     * silently missing.
     */
    private static final class CallSites extends MethodVisitor {
        private final String where;
        private final List<Hooks.Call> calls;
        private final int[] placed;

        CallSites(MethodVisitor next, String where, List<Hooks.Call> calls) {
            super(Opcodes.ASM9, next);
            this.where = where;
            this.calls = calls;
            this.placed = new int[calls.size()];
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            for (int i = 0; i < calls.size(); i++) {
                Hooks.Call call = calls.get(i);
                if (call.at(owner, name, descriptor)) {
                    if (call.receiver()) {
                        // [.. receiver] -> [.. receiver, receiver, id] -> [.. receiver, id, receiver]
                        super.visitInsn(Opcodes.DUP);
                        super.visitLdcInsn(call.id());
                        super.visitInsn(Opcodes.SWAP);
                    } else {
                        super.visitLdcInsn(call.id());
                        super.visitInsn(Opcodes.ACONST_NULL);
                    }
                    super.visitInsn(Opcodes.ICONST_0);
                    super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, GATE, CHECK.getName(), CHECK.getDescriptor(), false);
                    placed[i]++;
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitEnd() {
            for (int i = 0; i < calls.size(); i++) {
                if (placed[i] == 0) {
                    throw new IllegalStateException("no call of " + calls.get(i).calleeOwner() + "."
                            + calls.get(i).callee() + " in " + where + " to hook");
                }
            }
            super.visitEnd();
        }
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
