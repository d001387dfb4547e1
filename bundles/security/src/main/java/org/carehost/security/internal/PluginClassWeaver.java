package org.carehost.security.internal;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves a plugin's class as it is defined, where the agent runs (without it there is no gate to call), in one pass:
 * <ul>
 * <li>the agent's gate before each {@code monitorenter}: the gate gets the object to be locked ({@link #MONITOR_HOOK},
 * the object as the call's receiver), and the checker refuses those no plugin may lock ({@link LockRule}) by throwing
 * before the lock is taken;</li>
 * <li>a poll at each method's entry, backward jump and exception handler ({@link StopPolls}), through which a
 * quarantined plugin's code stops on whatever thread runs it ({@link CodeStops}).</li>
 * </ul>
 *
 * <p>Why here and not in the agent: the agent hooks the JDK's and the framework's methods; a plugin's classes are the
 * framework's to define, and its weaving hook is where their bytes can be changed before that. The frames the class
 * file declares are kept as they are: what is inserted leaves the operand stack as it found it, so no frame changes,
 * and the class is written without recomputing anything but the operand stack's size, which grows by at most
 * {@link #MORE_STACK}.
 */
final class PluginClassWeaver {

    /** The hook's id the woven monitor check passes to the gate. */
    static final String MONITOR_HOOK = "java.lang.Object.monitorenter";

    /** The agent's gate, as the woven code names it. */
    static final String GATE = "java/lang/CarehostGate";

    private static final String CHECK = "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V";

    /** The most the inserted code adds to the operand stack: the monitor check's copy of the object, id, arguments. */
    private static final int MORE_STACK = 3;

    private PluginClassWeaver() {
    }

    /** The class with its checks and polls in place. */
    static byte[] weave(byte[] bytes) {
        return weave(bytes, GATE);
    }

    /** {@link #weave(byte[])} calling another gate class (a test's, which counts the polls). */
    static byte[] weave(byte[] bytes, String gate) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            /** The class's own name, for the polls to pass as a constant; null before Java 5, which has no such constant. */
            private String self;
            private boolean indy;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                self = (version & 0xFFFF) >= Opcodes.V1_5 ? name : null;
                indy = (version & 0xFFFF) >= Opcodes.V1_7;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return next == null ? null : new StopPolls(monitorChecks(next, gate), self, indy, gate, MORE_STACK);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** The gate's check before each {@code monitorenter}: the object stays for the lock, a copy goes to the gate. */
    private static MethodVisitor monitorChecks(MethodVisitor next, String gate) {
        return new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitInsn(int opcode) {
                if (opcode == Opcodes.MONITORENTER) {
                    super.visitInsn(Opcodes.DUP);
                    super.visitLdcInsn(MONITOR_HOOK);
                    super.visitInsn(Opcodes.SWAP);
                    super.visitInsn(Opcodes.ACONST_NULL);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, gate, "check", CHECK, false);
                }
                super.visitInsn(opcode);
            }
        };
    }
}
