package org.carehost.security.internal;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Puts the agent's gate before each {@code monitorenter} in a plugin's class, as it is defined: the gate gets the
 * object to be locked ({@link #HOOK}, the object as the call's receiver), and the checker refuses those no plugin may
 * lock ({@link LockRule}) by throwing before the lock is taken. A class with no {@code monitorenter} is left as it is
 * (read once, not rewritten). Only when the agent runs: without it there is no gate to call.
 *
 * <p>Why here and not in the agent: the agent hooks the JDK's and the framework's methods; a plugin's classes are the
 * framework's to define, and its weaving hook is where their bytes can be changed before that.
 */
final class MonitorWeaver {

    /** The hook's id the woven code passes to the gate. */
    static final String HOOK = "java.lang.Object.monitorenter";

    private static final String GATE = "java/lang/CarehostGate";
    private static final String CHECK = "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V";

    private MonitorWeaver() {
    }

    /** The class with the checks in place, or null if it takes no monitor itself. */
    static byte[] weave(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        boolean[] found = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return found[0] ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        found[0] |= opcode == Opcodes.MONITORENTER;
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (!found[0]) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature,
                        exceptions)) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.MONITORENTER) {
                            // the object stays for monitorenter; a copy, the id and no arguments go to the gate
                            super.visitInsn(Opcodes.DUP);
                            super.visitLdcInsn(HOOK);
                            super.visitInsn(Opcodes.SWAP);
                            super.visitInsn(Opcodes.ACONST_NULL);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, GATE, "check", CHECK, false);
                        }
                        super.visitInsn(opcode);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
