package org.carehost.security.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.carehost.security.Permission;
import org.carehost.security.internal.ApiRules.Verdict;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.signature.SignatureReader;
import org.objectweb.asm.signature.SignatureVisitor;

/**
 * Reads every class of a plugin, and of the jars inside it (to any depth up to {@link #MAX_DEPTH}), and lists
 * the guarded APIs it reaches: calls, field accesses, method references and constants in invokedynamic,
 * superclasses and interfaces, and native methods. It reads bytecode (ASM), so it sees what the JVM will run,
 * whatever the source language; what it cannot see is code that does not exist yet, which is why the APIs
 * that build or load code by name are themselves guarded (use:reflection).
 */
final class ApiScanner {

    static final int MAX_DEPTH = 3;
    static final long MAX_BYTES = 256L * 1024 * 1024;
    static final int MAX_CLASS_BYTES = 16 * 1024 * 1024;
    static final int MAX_EVIDENCE = 3;
    /** The key of forbidden uses among the permissions in the findings being collected. */
    private static final Object FORBIDDEN = "forbidden";
    private static final String JSON_TYPE_INFO = "Lcom/fasterxml/jackson/annotation/JsonTypeInfo;";

    /** What a scan found: per permission and for forbidden APIs, up to three places each. */
    record Findings(Map<Permission, List<String>> needs, List<String> forbidden, String problem) {

        boolean clean() {
            return needs.isEmpty() && forbidden.isEmpty() && problem == null;
        }
    }

    private final ApiRules rules;
    private final Path scratchDir;

    /** {@code scratchDir}: where embedded jars are unpacked to be read as the framework reads them (ZipFile). */
    ApiScanner(ApiRules rules, Path scratchDir) {
        this.rules = rules;
        this.scratchDir = scratchDir;
    }

    /**
     * Scans every class, and every entry that is a zip archive whatever its name (a Bundle-ClassPath entry may be
     * called lib/x.bin). Anything that cannot be read completely is a problem, never a pass.
     */
    Findings scan(BundleEntries entries) {
        Collector collector = new Collector();
        try {
            for (String path : entries.files()) {
                try (InputStream in = entries.open(path)) {
                    if (in != null) {
                        scanEntry(path, in, 0, collector);
                    }
                }
            }
        } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            collector.problem = "its classes cannot be checked (" + e + ")";
        }
        return collector.findings();
    }

    private void scanEntry(String path, InputStream in, int depth, Collector collector) throws IOException {
        if (path.endsWith(".class")) {
            byte[] bytes = read(in, MAX_CLASS_BYTES, collector);
            try {
                new ClassReader(bytes).accept(new ClassScan(collector), ClassReader.SKIP_FRAMES);
            } catch (RuntimeException unreadable) {
                throw new IOException(path + " is not a class file the scanner can read: " + unreadable, unreadable);
            }
            return;
        }
        byte[] head = in.readNBytes(4);
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            return; // a resource, not an archive
        }
        if (depth >= MAX_DEPTH) {
            throw new IOException(path + " nests archives deeper than " + MAX_DEPTH);
        }
        Files.createDirectories(scratchDir);
        Path copy = Files.createTempFile(scratchDir, "embedded", ".jar");
        try {
            try (OutputStream out = Files.newOutputStream(copy)) {
                out.write(head);
                copy(in, out, collector);
            }
            scanArchive(path, copy, depth, collector);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Reads the archive as the framework does (its central directory) and refuses one its local headers contradict. */
    private void scanArchive(String path, Path archive, int depth, Collector collector) throws IOException {
        Set<String> central = new LinkedHashSet<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                central.add(entry.getName());
                if (!entry.isDirectory()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        scanEntry(path + "!/" + entry.getName(), in, depth + 1, collector);
                    }
                }
            }
        } catch (ZipException e) {
            throw new IOException(path + " is not a readable archive: " + e.getMessage(), e);
        }
        Set<String> local = new LinkedHashSet<>();
        try (ZipInputStream stream = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry = stream.getNextEntry(); entry != null; entry = stream.getNextEntry()) {
                local.add(entry.getName());
            }
        }
        if (!local.equals(central)) {
            throw new IOException(path + " is malformed: its entries and its directory disagree");
        }
    }

    private static byte[] read(InputStream in, int max, Collector collector) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, collector);
        if (out.size() > max) {
            throw new IOException("a class of more than " + (max >> 20) + " MiB");
        }
        return out.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, Collector collector) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            collector.bytes += n;
            if (collector.bytes > MAX_BYTES) {
                throw new IOException("more than " + (MAX_BYTES >> 20) + " MiB to check");
            }
            out.write(buffer, 0, n);
        }
    }

    /** The findings so far, and the class and method being read (for the evidence). */
    private final class Collector {
        final Map<Object, Set<String>> calls = new java.util.HashMap<>();
        final Map<Object, Set<String>> mentions = new java.util.HashMap<>();
        String problem;
        long bytes;
        String className = "?";

        void use(String owner, String member, String descriptor, String where) {
            if (owner == null) {
                return;
            }
            if (owner.startsWith("[")) {
                return;
            }
            Verdict verdict = rules.judge(owner, member, descriptor);
            if (verdict.allowed()) {
                return;
            }
            String api = owner.replace('/', '.') + (member == null ? "" : "." + member);
            String evidence = api + " (in " + className.replace('/', '.') + where + ")";
            // Calls make the best evidence; mere mentions of a type are kept apart and shown only without calls.
            Map<Object, Set<String>> kind = member == null ? mentions : calls;
            Set<String> places = kind.computeIfAbsent(verdict.forbidden() ? FORBIDDEN : verdict.permission(),
                    k -> new LinkedHashSet<>());
            if (places.size() < MAX_EVIDENCE) {
                places.add(evidence);
            }
        }

        /**
         * A type named in a descriptor, signature, cast or class literal. Reflection verdicts do not apply to mere
         * mentions; files, network, processes, native and forbidden ones do (a File field a library fills).
         */
        void mention(String owner, String where) {
            if (owner == null || owner.startsWith("[")) {
                return;
            }
            Verdict verdict = rules.judge(owner, null, null);
            if (verdict.allowed() || verdict.permission() == Permission.USE_REFLECTION) {
                return;
            }
            use(owner, null, null, where);
        }

        void mentionTypes(String descriptor, String where) {
            if (descriptor == null) {
                return;
            }
            Type type = Type.getType(descriptor);
            if (type.getSort() == Type.METHOD) {
                for (Type argument : type.getArgumentTypes()) {
                    mentionType(argument, where);
                }
                mentionType(type.getReturnType(), where);
            } else {
                mentionType(type, where);
            }
        }

        private void mentionType(Type type, String where) {
            Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
            if (element.getSort() == Type.OBJECT) {
                mention(element.getInternalName(), where);
            }
        }

        void mentionSignature(String signature, String where) {
            if (signature == null) {
                return;
            }
            new SignatureReader(signature).accept(new SignatureVisitor(Opcodes.ASM9) {
                @Override
                public void visitClassType(String name) {
                    mention(name, where);
                }
            });
        }

        void nativeMethod(String method) {
            need(Permission.USE_NATIVE, "native method " + className.replace('/', '.') + "." + method);
        }

        void need(Permission permission, String evidence) {
            Set<String> places = calls.computeIfAbsent(permission, p -> new LinkedHashSet<>());
            if (places.size() < MAX_EVIDENCE) {
                places.add(evidence);
            }
        }

        Findings findings() {
            Map<Permission, List<String>> needs = new EnumMap<>(Permission.class);
            for (Permission permission : Permission.values()) {
                List<String> places = evidence(permission);
                if (!places.isEmpty()) {
                    needs.put(permission, places);
                }
            }
            return new Findings(needs, evidence(FORBIDDEN), problem);
        }

        private List<String> evidence(Object key) {
            Set<String> places = calls.containsKey(key) ? calls.get(key) : mentions.get(key);
            return places == null ? List.of() : List.copyOf(places);
        }
    }

    private final class ClassScan extends ClassVisitor {
        private final Collector collector;

        ClassScan(Collector collector) {
            super(Opcodes.ASM9);
            this.collector = collector;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            collector.className = name;
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
}
