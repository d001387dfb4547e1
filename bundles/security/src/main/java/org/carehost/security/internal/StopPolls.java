package org.carehost.security.internal;

import java.util.HashSet;
import java.util.Set;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Puts a poll of the agent's gate ({@code CarehostGate.poll(thisClass)}) at a method's entry, before each backward
 * jump (a jump or switch to an instruction already visited) and, as {@code pollHandler}, at the first instruction of
 * each exception handler: every way code can run on without end passes through one (a loop, recursion, an exception
 * caught and thrown again), so a quarantined plugin's code stops wherever it runs ({@link CodeStops}). A poll costs a
 * field read while no code is stopped.
 *
 * <p>Why at the handler's first instruction and not at its label: the class file declares the handler's frame (an
 * exception on the stack) at its label, and code inserted before that frame would sit at the handler's offset without
 * it. A method's entry needs no such care: the implicit first frame is the one before the poll and after it alike.
 * A class file from before Java 5 cannot name its own class as a constant: its polls ask the gate to look the caller up.
 */
final class StopPolls extends MethodVisitor {

    private static final String SITE_BOOTSTRAP = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
            + "Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";

    private final String self;
    private final String gate;
    /** Whether the class file may hold invokedynamic (Java 7 and later). */
    private final boolean indy;
    private final int moreStack;
    private final Set<Label> visited = new HashSet<>();
    private final Set<Label> handlers = new HashSet<>();
    /** A handler's label was visited: the poll goes before the next instruction, after the handler's frame. */
    private boolean handlerStarts;

    /**
     * @param self the class's internal name, or null for a class file before Java 5
     * @param indy whether the class file may hold {@code invokedynamic} (Java 7 and later)
     * @param moreStack what to add to each method's operand stack size (at least the poll's one slot)
     */
    StopPolls(MethodVisitor next, String self, boolean indy, String gate, int moreStack) {
        super(Opcodes.ASM9, next);
        this.self = self;
        this.indy = indy;
        this.gate = gate;
        this.moreStack = Math.max(1, moreStack);
    }

    /**
     * At a method's entry and a backward jump: an {@code invokedynamic} linked to the gate's one call site
     * ({@code pollSite}), which the JIT compiles away while no code is stopped; before Java 7, a static call.
     */
    private void poll() {
        if (self != null && indy) {
            super.visitLdcInsn(Type.getObjectType(self));
            super.visitInvokeDynamicInsn("poll", "(Ljava/lang/Class;)V", new Handle(Opcodes.H_INVOKESTATIC, gate,
                    "pollSite", SITE_BOOTSTRAP, false));
        } else {
            poll("poll");
        }
    }

    private void poll(String method) {
        if (self != null) {
            super.visitLdcInsn(Type.getObjectType(self));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, gate, method, "(Ljava/lang/Class;)V", false);
        } else {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, gate, method + "Caller", "()V", false);
        }
    }

    /**
     * Before any instruction: the poll of a handler whose label was just visited. Its own kind ({@code pollHandler}):
     * a handler of stopped code still runs (a {@code synchronized} block's release of its monitor is such a handler,
     * which covers itself), unless the thread keeps entering handlers there, as a loop made of exceptions does.
     */
    private void beforeInstruction() {
        if (handlerStarts) {
            handlerStarts = false;
            poll("pollHandler");
        }
    }

    @Override
    public void visitCode() {
        super.visitCode();
        poll();
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        handlers.add(handler); // visited before any of the code's labels
        super.visitTryCatchBlock(start, end, handler, type);
    }

    @Override
    public void visitLabel(Label label) {
        super.visitLabel(label);
        visited.add(label);
        if (handlers.contains(label)) {
            handlerStarts = true;
        }
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        beforeInstruction();
        if (visited.contains(label)) {
            poll(); // stack-neutral: a conditional jump's operands stay below the class constant the poll takes
        }
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        beforeInstruction();
        if (anyVisited(dflt, labels)) {
            poll();
        }
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        beforeInstruction();
        if (anyVisited(dflt, labels)) {
            poll();
        }
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    private boolean anyVisited(Label dflt, Label[] labels) {
        if (visited.contains(dflt)) {
            return true;
        }
        for (Label label : labels) {
            if (visited.contains(label)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void visitInsn(int opcode) {
        beforeInstruction();
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        beforeInstruction();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        beforeInstruction();
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        beforeInstruction();
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        beforeInstruction();
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        beforeInstruction();
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        beforeInstruction();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitLdcInsn(Object value) {
        beforeInstruction();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        beforeInstruction();
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        beforeInstruction();
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(Math.min(0xFFFF, maxStack + moreStack), maxLocals);
    }
}
