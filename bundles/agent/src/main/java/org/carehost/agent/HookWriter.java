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
                    next = new CallSites(next, owner, name, access, descriptor, inHere);
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
                if (atExit != null && inHere.stream().anyMatch(call -> call.pass() == Hooks.Pass.AROUND)) {
                    // the call's handler, listed first, would throw on from after the body, past the exit's handler
                    throw new IllegalStateException("an exit hook and a hook around a call in one method: " + owner
                            + "." + name);
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
     *
     * <p>An {@link Hooks.Pass#AROUND} call also gets the end's call right after it, and a handler covering the call
     * alone, placed after the method's body like an exit hook's (the same frame: the parameters as locals, the
     * throwable on the stack), that makes the end's call and throws on what it caught. Its handler is listed last, so
     * a call site inside one of the method's own try blocks is refused here: that block's handler would catch first,
     * and the end would be missed.
     */
    private static final class CallSites extends MethodVisitor {
        private final String where;
        private final String owner;
        private final boolean isStatic;
        private final Type[] parameters;
        private final List<Hooks.Call> calls;
        private final int[] placed;
        /** The method's own try blocks' starts and ends, and those begun and not yet ended as the code is read. */
        private final java.util.Map<org.objectweb.asm.Label, Integer> tryStarts = new java.util.HashMap<>();
        private final java.util.Map<org.objectweb.asm.Label, Integer> tryEnds = new java.util.HashMap<>();
        private int tryOpen;
        /** The handlers of the AROUND calls, with their hooks, written after the body. */
        private final List<Object[]> aroundHandlers = new java.util.ArrayList<>();

        CallSites(MethodVisitor next, String owner, String method, int access, String descriptor,
                List<Hooks.Call> calls) {
            super(Opcodes.ASM9, next);
            this.where = owner.concat(".").concat(method);
            this.owner = owner;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.parameters = Type.getArgumentTypes(descriptor);
            this.calls = calls;
            this.placed = new int[calls.size()];
        }

        @Override
        public void visitTryCatchBlock(org.objectweb.asm.Label start, org.objectweb.asm.Label end,
                org.objectweb.asm.Label handler, String type) {
            tryStarts.merge(start, 1, Integer::sum);
            tryEnds.merge(end, 1, Integer::sum);
            super.visitTryCatchBlock(start, end, handler, type);
        }

        @Override
        public void visitLabel(org.objectweb.asm.Label label) {
            tryOpen += tryStarts.getOrDefault(label, 0) - tryEnds.getOrDefault(label, 0);
            super.visitLabel(label);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            for (int i = 0; i < calls.size(); i++) {
                Hooks.Call call = calls.get(i);
                if (call.at(owner, name, descriptor) && call.pass() == Hooks.Pass.AROUND) {
                    if (tryOpen > 0) {
                        throw new IllegalStateException("the call of " + call.calleeOwner() + "." + call.callee()
                                + " in " + where + " is inside the method's own try block: its end could be missed");
                    }
                    gateCall(call.id());
                    org.objectweb.asm.Label start = new org.objectweb.asm.Label();
                    org.objectweb.asm.Label end = new org.objectweb.asm.Label();
                    org.objectweb.asm.Label handler = new org.objectweb.asm.Label();
                    super.visitTryCatchBlock(start, end, handler, null);
                    super.visitLabel(start);
                    super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                    super.visitLabel(end);
                    gateCall(call.endId());
                    aroundHandlers.add(new Object[] {handler, call});
                    placed[i]++;
                    return;
                }
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

        /** The gate's call with an id and nothing else: the operand stack as it was afterwards. */
        private void gateCall(String id) {
            super.visitLdcInsn(id);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GATE, CHECK.getName(), CHECK.getDescriptor(), false);
        }

        /** The AROUND calls' handlers, after the body: the end's call, and the throwable thrown on. */
        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            for (Object[] each : aroundHandlers) {
                super.visitLabel((org.objectweb.asm.Label) each[0]);
                Object[] locals = parameterLocals(owner, isStatic, parameters);
                super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
                gateCall(((Hooks.Call) each[1]).endId());
                super.visitInsn(Opcodes.ATHROW);
            }
            super.visitMaxs(Math.max(maxStack, 3), maxLocals);
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
                Object[] locals = parameterLocals(owner, isStatic, parameters);
                visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
                exitCall();
                visitInsn(Opcodes.ATHROW);
                visitTryCatchBlock(bodyStart, handler, handler, null);
            }
            super.visitMaxs(maxStack, maxLocals);
        }

    }

    /**
     * A handler's locals after the body: the receiver and the parameters as the method got them (the methods hooked so
     * never store into them), any other local unset.
     */
    private static Object[] parameterLocals(String owner, boolean isStatic, Type[] parameters) {
        java.util.List<Object> locals = new java.util.ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type parameter : parameters) {
            locals.add(frameType(parameter));
        }
        return locals.toArray();
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
