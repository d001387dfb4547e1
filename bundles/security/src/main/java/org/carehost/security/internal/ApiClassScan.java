package org.carehost.security.internal;

import org.carehost.security.Permission;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Visits one class file for {@link ApiScanner} and reports to {@link ApiUses} every API it reaches: superclass and
 * interfaces, types in signatures, fields and casts, calls, field accesses, method handles and constants of
 * invokedynamic and ldc, native methods, and Jackson's {@code @JsonTypeInfo} naming classes to build.
 */
final class ApiClassScan extends ClassVisitor {

    private static final String JSON_TYPE_INFO = "Lcom/fasterxml/jackson/annotation/JsonTypeInfo;";

    private final ApiUses collector;

    ApiClassScan(ApiUses collector) {
        super(Opcodes.ASM9);
        this.collector = collector;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
            String[] interfaces) {
        collector.className = name;
        // a class of its own in a package a rule names (a private copy of org.osgi.service.url's interface, which the
        // framework would take for its own by name) counts as using that package
        collector.use(name, null, null, ", a class of its own in that package");
        collector.mentionSignature(signature, ", in its generic type");
        collector.use(superName, null, null, ", as its superclass");
        if (interfaces != null) {
            for (String implemented : interfaces) {
                collector.use(implemented, null, null, ", as an interface");
            }
        }
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        return typeIdsByName(descriptor, "");
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        collector.mentionTypes(descriptor, ", field " + name);
        collector.mentionSignature(signature, ", field " + name);
        return new FieldVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                return typeIdsByName(annotation, ", field " + name);
            }
        };
    }

    /** {@code @JsonTypeInfo(use = CLASS or MINIMAL_CLASS)}: JSON names the class to build, i.e. reflection. */
    private AnnotationVisitor typeIdsByName(String descriptor, String where) {
        if (!JSON_TYPE_INFO.equals(descriptor)) {
            return null;
        }
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public void visitEnum(String name, String enumDescriptor, String value) {
                if ("use".equals(name) && (value.equals("CLASS") || value.equals("MINIMAL_CLASS"))) {
                    collector.need(Permission.USE_REFLECTION, "@JsonTypeInfo(use = " + value + ") (in "
                            + collector.className.replace('/', '.') + where + ")");
                }
            }
        };
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        if ((access & Opcodes.ACC_NATIVE) != 0) {
            collector.nativeMethod(name);
        }
        if (name.equals("finalize") && descriptor.equals("()V") && (access & Opcodes.ACC_STATIC) == 0) {
            // red team 9: the JVM runs finalizers on its one Finalizer thread, no plugin's, so what a finalize() did
            // there (fill the heap, spin) escaped the plugin's budgets, and outlived its uninstall
            collector.forbid("a finalize() method: the JVM runs it on its own Finalizer thread, shared by every class, "
                    + "where no plugin's budgets apply (finalization is deprecated for removal; close resources with "
                    + "try-with-resources, or register a cleaning action with a java.lang.ref.Cleaner of its own)");
        }
        if (name.equals("childValue") && descriptor.equals("(Ljava/lang/Object;)Ljava/lang/Object;")
                && (access & Opcodes.ACC_STATIC) == 0) {
            // red team 12: the JDK calls an InheritableThreadLocal's childValue in the constructor of every thread
            // made on a thread the value was set on, a container thread that ran the plugin's code included: its code
            // ran, and failed, inside other plugins' thread starts (an override, or the bridge javac writes for one)
            collector.forbid("an InheritableThreadLocal overriding childValue: the JDK calls it in the constructor of "
                    + "every thread made on a thread the value was set on, the container's threads and other plugins' "
                    + "included (an InheritableThreadLocal that hands its value on unchanged needs no override)");
        }
        String where = "." + name;
        collector.mentionTypes(descriptor, where + ", in its signature");
        collector.mentionSignature(signature, where + ", in its signature");
        return new MethodVisitor(Opcodes.ASM9) {
            @Override
            public void visitTypeInsn(int opcode, String type) {
                collector.mention(type, where);
            }

            @Override
            public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                collector.mentionTypes(descriptor, where);
            }

            @Override
            public void visitLocalVariable(String name, String descriptor, String signature, Label start,
                    Label end, int index) {
                collector.mentionTypes(descriptor, where);
                collector.mentionSignature(signature, where);
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return typeIdsByName(descriptor, where);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String member, String desc, boolean itf) {
                collector.use(owner, member, desc, where);
                collector.mentionTypes(desc, where);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String member, String desc) {
                collector.use(owner, member, desc, where);
                collector.mentionTypes(desc, where);
            }

            @Override
            public void visitInvokeDynamicInsn(String member, String desc, Handle bootstrap, Object... args) {
                collector.mentionTypes(desc, where);
                handle(bootstrap);
                for (Object arg : args) {
                    constant(arg);
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                constant(value);
            }

            private void constant(Object value) {
                if (value instanceof Type && ((Type) value).getSort() == Type.OBJECT) {
                    collector.use(((Type) value).getInternalName(), null, null, where + ", as a class literal");
                } else if (value instanceof Type && ((Type) value).getSort() == Type.METHOD) {
                    collector.mentionTypes(((Type) value).getDescriptor(), where);
                } else if (value instanceof Handle) {
                    handle((Handle) value);
                } else if (value instanceof ConstantDynamic) {
                    ConstantDynamic dynamic = (ConstantDynamic) value;
                    handle(dynamic.getBootstrapMethod());
                    for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                        constant(dynamic.getBootstrapMethodArgument(i));
                    }
                }
            }

            private void handle(Handle handle) {
                collector.use(handle.getOwner(), handle.getName(), handle.getDesc(), where + ", method reference");
                collector.mentionTypes(handle.getDesc(), where + ", method reference");
            }
        };
    }
}
