package org.carehost.agent;

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
 * Inserts, at the entry of each hooked method, {@code CarehostGate.check(id, self, args)} (and, for an exit hook, before
 * each of its returns and in a handler for whatever it throws; for a call-site hook, before a given call). At the entry
 * and at call sites only straight-line code is added (after the super constructor call in a constructor), with no
 * branch, no new local, and the operand stack as it was afterwards, so the method's stack map frames stay valid. An
 * exit hook adds one catch-all handler covering the whole body, placed after it: its one new stack map frame is written
 * here (the method's parameters as locals, the throwable on the stack), so no class has to be loaded to compute frames;
 * retransformation allows exactly this (no new fields or methods).
 */
final class HookWriter {

    private static final String GATE = HookTransformer.GATE;
    private static final Method CHECK = new Method("check", "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V");

    private HookWriter() {
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
                    if (call.in(name, descriptor)) {
                        inHere.add(call);
                    }
                }
                if (!inHere.isEmpty()) {
                    next = new CallSites(next, owner.concat(".").concat(name), inHere);
                }
                Hooks.Hook atEntry = null;
                Hooks.Hook atExit = null;
                for (Hooks.Hook hook : here) {
                    if (hook.matches(name, descriptor)) {
                        if (hook.exit() && atExit == null) {
                            atExit = hook;
                        } else if (!hook.exit() && atEntry == null) {
                            atEntry = hook;
                        }
                    }
                }
                return atEntry == null && atExit == null ? next
                        : new Entry(next, access, name, descriptor, owner, atEntry, atExit);
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
                    if (call.pass() == Hooks.Pass.THIS_AND_TOP || call.pass() == Hooks.Pass.ARGUMENT_AND_TOP) {
                        // [.. top] -> [.. top, top, args] -> [.. top, args, top, args] -> [.. top, args, args, top]
                        // -> [.. top, args, args, 0, top] -> (args[0] = top) [.. top, args] -> [.. top, id, args]
                        // -> [.. top, id, this, args]
                        super.visitInsn(Opcodes.DUP);
                        super.visitInsn(Opcodes.ICONST_1);
                        super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
                        super.visitInsn(Opcodes.DUP_X1);
                        super.visitInsn(Opcodes.SWAP);
                        super.visitInsn(Opcodes.ICONST_0);
                        super.visitInsn(Opcodes.SWAP);
                        super.visitInsn(Opcodes.AASTORE);
                        super.visitLdcInsn(call.id());
                        super.visitInsn(Opcodes.SWAP);
                        super.visitVarInsn(Opcodes.ALOAD, call.pass() == Hooks.Pass.THIS_AND_TOP ? 0 : 1);
                        super.visitInsn(Opcodes.SWAP);
                    } else {
                        if (call.pass() == Hooks.Pass.RECEIVER) {
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
                    }
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, GATE, CHECK.getName(), CHECK.getDescriptor(), false);
                    placed[i]++;
                }
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        /** Each id needs one of its call sites placed (calls sharing an id are the same hook on different JDKs). */
        @Override
        public void visitEnd() {
            for (int i = 0; i < calls.size(); i++) {
                boolean any = false;
                for (int j = 0; j < calls.size(); j++) {
                    any |= placed[j] > 0 && calls.get(j).id().equals(calls.get(i).id());
                }
                if (!any) {
                    throw new IllegalStateException("no call of " + calls.get(i).calleeOwner() + "."
                            + calls.get(i).callee() + " in " + where + " to hook");
                }
            }
            super.visitEnd();
        }
    }

    /**
     * The call at the method's entry, and (an exit hook) at each of its ends, whatever way it is left, like a
     * {@code finally}: before each return, and in a handler around the whole body that makes the call and throws on
     * what it caught (a task whose {@code done()} throws out of {@code FutureTask.run} is over all the same). The exit
     * call passes the receiver as its self, if the hook asks for it, and null for the arguments; what is being returned
     * or thrown stays below it on the stack. Not for constructors (their receiver is not an object until the super
     * constructor returns).
     */
    private static final class Entry extends AdviceAdapter {
        private final String owner;
        private final Hooks.Hook hook;
        private final Hooks.Hook exit;
        private final boolean isStatic;
        private final Type[] parameters;
        private final org.objectweb.asm.Label bodyStart = new org.objectweb.asm.Label();

        Entry(MethodVisitor next, int access, String name, String descriptor, String owner, Hooks.Hook hook,
                Hooks.Hook exit) {
            super(Opcodes.ASM9, next, access, name, descriptor);
            if (exit != null && name.equals("<init>")) {
                throw new IllegalStateException("an exit hook in a constructor: " + owner + "." + name);
            }
            this.owner = owner;
            this.hook = hook;
            this.exit = exit;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.parameters = Type.getArgumentTypes(descriptor);
        }

        @Override
        protected void onMethodExit(int opcode) {
            if (exit != null && opcode != Opcodes.ATHROW) {
                exitCall(); // a throw is met by the handler
            }
        }

        private void exitCall() {
            push(exit.id());
            if (isStatic || exit.self() != Hooks.Self.THIS) {
                visitInsn(Opcodes.ACONST_NULL);
            } else {
                loadThis();
            }
            visitInsn(Opcodes.ACONST_NULL); // no arguments: not even an empty array, on every task's end
            invokeStatic(Type.getObjectType(GATE), CHECK);
        }

        @Override
        protected void onMethodEnter() {
            if (hook != null) {
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
            if (exit != null) {
                visitLabel(bodyStart);
            }
        }

        /**
         * The handler, after the whole body: registered last, so that the method's own handlers, listed before it,
         * still catch first what they catch. Its frame: the receiver and the parameters as the method got them (the
         * JDK methods hooked so never store into them), any other local unset, the throwable on the stack.
         */
        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (exit != null) {
                org.objectweb.asm.Label handler = new org.objectweb.asm.Label();
                visitLabel(handler);
                java.util.List<Object> locals = new java.util.ArrayList<>();
                if (!isStatic) {
                    locals.add(owner);
                }
                for (Type parameter : parameters) {
                    locals.add(frameType(parameter));
                }
                visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {"java/lang/Throwable"});
                exitCall();
                visitInsn(Opcodes.ATHROW);
                visitTryCatchBlock(bodyStart, handler, handler, null);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

        private static Object frameType(Type type) {
            switch (type.getSort()) {
                case Type.BOOLEAN: case Type.CHAR: case Type.BYTE: case Type.SHORT: case Type.INT:
                    return Opcodes.INTEGER;
                case Type.FLOAT: return Opcodes.FLOAT;
                case Type.LONG: return Opcodes.LONG;
                case Type.DOUBLE: return Opcodes.DOUBLE;
                default: return type.getInternalName();
            }
        }
    }
}
