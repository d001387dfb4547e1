package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.carehost.security.Permission;
import org.carehost.security.internal.ApiScanner.Findings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiScannerTest {

    @TempDir
    Path scratch;

    private ApiScanner scanner() {
        return new ApiScanner(ApiRules.standard(), scratch);
    }

    static class Clean {
        record Point(int x, int y) {
        }

        enum Colour { RED, GREEN }

        String describe(int i) throws Exception {
            Runnable noop = () -> { };
            noop.run();
            java.net.URI uri = new java.net.URI("urn:x");
            return "value " + i + new Point(i, i) + Colour.valueOf("RED") + uri + getClass().getResourceAsStream("x");
        }
    }

    static class OpensSocket {
        void run() throws IOException {
            new Socket("127.0.0.1", 1).close();
        }
    }

    static class ReadsFiles {
        List<String> run() throws IOException {
            return Files.readAllLines(Path.of("/etc/passwd"));
        }
    }

    static class ExitsByMethodReference {
        final IntConsumer exit = System::exit;
    }

    static class ReflectsByName {
        Object run() throws Exception {
            return Class.forName("java.lang.Runtime").getMethod("getRuntime").invoke(null);
        }
    }

    static class OwnClassLoader extends ClassLoader {
    }

    static class NamesAGuardedClass {
        Class<?> target() {
            return java.io.FileOutputStream.class;
        }
    }

    static class DeclaresNative {
        native void call();
    }

    @SuppressWarnings({"deprecation", "removal"})
    static class Finalizes {
        @Override
        protected void finalize() {
            // red team 9: run on the JVM's Finalizer thread, it filled the heap and spun outside the plugin's budgets
        }
    }

    static class MakesACleaner {
        Object run() {
            // red team 10: a cleaning action spun and filled the heap on the JDK's cleaner thread
            return java.lang.ref.Cleaner.create();
        }
    }

    static class NamesAMethodFinalize {
        void finalize(int times) {
        }
    }

    @Test
    void plainJavaIsClean() throws IOException {
        Findings findings = scan(Map.of("a/Clean.class", bytes(Clean.class), "a/Point.class", bytes(Clean.Point.class),
                "a/Colour.class", bytes(Clean.Colour.class)));
        assertTrue(findings.clean(), findings.toString());
    }

    @Test
    void eachGuardedApiNeedsItsPermission() throws IOException {
        assertNeeds(OpensSocket.class, Permission.USE_NETWORK, "java.net.Socket.<init>");
        assertNeeds(ReadsFiles.class, Permission.USE_FILES, "java.nio.file.Files.readAllLines");
        assertNeeds(ReflectsByName.class, Permission.USE_REFLECTION, "java.lang.Class.forName");
        assertNeeds(OwnClassLoader.class, Permission.USE_REFLECTION, "java.lang.ClassLoader.<init> (in "
                + OwnClassLoader.class.getName() + ".<init>)");
        assertNeeds(DeclaresNative.class, Permission.USE_NATIVE, "native method");
        assertNeeds(NamesAGuardedClass.class, Permission.USE_FILES, "java.io.FileOutputStream (in "
                + NamesAGuardedClass.class.getName() + ".target, as a class literal)");
    }

    @Test
    void aFinalizerIsForbiddenAndAMethodOnlyNamedSoIsNot() throws IOException {
        Findings findings = scan(Map.of("a/F.class", bytes(Finalizes.class)));
        assertEquals(1, findings.forbidden().size(), findings.toString());
        assertTrue(findings.forbidden().get(0).startsWith("a finalize() method: the JVM runs it on its own Finalizer"),
                findings.toString());
        assertTrue(findings.forbidden().get(0).endsWith("(in " + Finalizes.class.getName() + ")"), findings.toString());
        assertTrue(scan(Map.of("a/N.class", bytes(NamesAMethodFinalize.class))).clean());
    }

    @Test
    void anInheritableThreadLocalOverridingChildValueIsForbiddenAndAMethodOnlyNamedSoIsNot() throws IOException {
        Findings findings = scan(Map.of("a/I.class", bytes(PassesOnItsOwn.class)));
        assertEquals(1, findings.forbidden().size(), findings.toString());
        assertTrue(findings.forbidden().get(0).startsWith("an InheritableThreadLocal overriding childValue"),
                findings.toString());
        assertTrue(scan(Map.of("a/N.class", bytes(NamesAMethodChildValue.class))).clean());
    }

    /** Its childValue(String) override has javac write the bridge childValue(Object) the JDK calls. */
    static final class PassesOnItsOwn extends InheritableThreadLocal<String> {
        @Override
        protected String childValue(String parentValue) {
            return parentValue + "!";
        }
    }

    static final class NamesAMethodChildValue {
        String childValue(String parent) {
            return parent;
        }
    }

    /** Red team 13: a plugin calling the agent's gate itself, as the JDK's hooked methods do. */
    @Test
    void aCallOfTheAgentsGateIsForbidden() throws IOException {
        org.objectweb.asm.ClassWriter writer = new org.objectweb.asm.ClassWriter(org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        writer.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, "x/Forger", null,
                "java/lang/Object", null);
        org.objectweb.asm.MethodVisitor method = writer.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC
                | org.objectweb.asm.Opcodes.ACC_STATIC, "forge", "()V", null, null);
        method.visitCode();
        method.visitLdcInsn("carehost.code-stopped");
        method.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        method.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
        method.visitMethodInsn(org.objectweb.asm.Opcodes.INVOKESTATIC, "java/lang/CarehostGate", "check",
                "(Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)V", false);
        method.visitInsn(org.objectweb.asm.Opcodes.RETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        Findings findings = scan(Map.of("x/Forger.class", writer.toByteArray()));
        assertEquals(1, findings.forbidden().size(), findings.toString());
        assertTrue(findings.forbidden().get(0).startsWith("java.lang.CarehostGate.check"), findings.toString());
    }

    @Test
    void aCleanerOfItsOwnIsForbidden() throws IOException {
        Findings findings = scan(Map.of("a/C.class", bytes(MakesACleaner.class)));
        assertEquals(1, findings.forbidden().size(), findings.toString());
        assertTrue(findings.forbidden().get(0).startsWith("java.lang.ref.Cleaner.create"), findings.toString());
    }

    @Test
    void aMethodReferenceToSystemExitIsForbidden() throws IOException {
        Findings findings = scan(Map.of("a/X.class", bytes(ExitsByMethodReference.class)));
        assertEquals(1, findings.forbidden().size(), findings.toString());
        assertTrue(findings.forbidden().get(0).startsWith("java.lang.System.exit"), findings.toString());
        assertTrue(findings.forbidden().get(0).contains("method reference"), findings.toString());
    }

    @Test
    void jacksonTypeIdsByClassNameCountAsReflection() throws IOException {
        org.objectweb.asm.ClassWriter writer = new org.objectweb.asm.ClassWriter(0);
        writer.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, "x/Payload", null,
                "java/lang/Object", null);
        org.objectweb.asm.FieldVisitor field = writer.visitField(org.objectweb.asm.Opcodes.ACC_PUBLIC, "value",
                "Ljava/lang/Object;", null, null);
        org.objectweb.asm.AnnotationVisitor annotation =
                field.visitAnnotation("Lcom/fasterxml/jackson/annotation/JsonTypeInfo;", true);
        annotation.visitEnum("use", "Lcom/fasterxml/jackson/annotation/JsonTypeInfo$Id;", "CLASS");
        annotation.visitEnd();
        field.visitEnd();
        writer.visitEnd();
        Findings findings = scan(Map.of("x/Payload.class", writer.toByteArray()));
        assertEquals(List.of("@JsonTypeInfo(use = CLASS) (in x.Payload, field value)"),
                findings.needs().get(Permission.USE_REFLECTION), findings.toString());
    }

    @Test
    void classesInsideEmbeddedJarsAreScannedToo() throws IOException {
        byte[] inner = jar(Map.of("x/OpensSocket.class", bytes(OpensSocket.class)));
        byte[] middle = jar(Map.of("lib/inner.jar", inner));
        Findings findings = scan(Map.of("lib/middle.jar", middle));
        assertNotNull(findings.needs().get(Permission.USE_NETWORK), findings.toString());
    }

    static class FileField {
        public java.io.File target;
    }

    static class GenericUrl {
        java.util.List<java.net.URL> urls = List.of();
    }

    static class ConstantDescByName {
        Object run() throws Exception {
            return java.lang.constant.ClassDesc.of("java.lang.Runtime");
        }
    }

    static class MentionsClassLoader {
        ClassLoader loader() {
            return getClass().getClassLoader();
        }
    }

    @Test
    void typesInFieldsSignaturesAndGenericsCount() throws IOException {
        assertNeeds(FileField.class, Permission.USE_FILES, "java.io.File (in " + FileField.class.getName() + ", field target)");
        assertNeeds(GenericUrl.class, Permission.USE_NETWORK, "java.net.URL");
        assertNeeds(ConstantDescByName.class, Permission.USE_REFLECTION, "java.lang.constant.ClassDesc.of");
        Findings harmless = scan(Map.of("a/M.class", bytes(MentionsClassLoader.class)));
        assertTrue(harmless.clean(), "a ClassLoader in a signature is not reflection: " + harmless);
    }

    @Test
    void anArchiveIsScannedWhateverItsNameAndAMalformedOneIsRefused() throws IOException {
        byte[] inner = jar(Map.of("x/OpensSocket.class", bytes(OpensSocket.class)));
        Findings renamed = scan(Map.of("lib/classes.bin", inner));
        assertNotNull(renamed.needs().get(Permission.USE_NETWORK), renamed.toString());

        byte[] prefixed = new byte[inner.length + 4];
        System.arraycopy(inner, 0, prefixed, 4, inner.length);
        prefixed[0] = 'P';
        prefixed[1] = 'K';
        prefixed[2] = 3;
        prefixed[3] = 4;
        Findings malformed = scan(Map.of("lib/x.jar", prefixed));
        assertNotNull(malformed.problem(), "junk before the first entry hides it from a stream reader: " + malformed);
    }

    @Test
    void aJarBehindAPrefixIsReadFromItsEndAsTheFrameworkReadsIt() throws IOException {
        // java.util.zip.ZipFile, with which the framework opens a Bundle-ClassPath entry, finds an archive from its
        // end, so a jar behind a shell stub loads; the scanner must not take it for a resource
        byte[] inner = jar(Map.of("x/OpensSocket.class", bytes(OpensSocket.class)));
        byte[] stub = "#!/bin/sh\nexit 0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] prefixed = new byte[stub.length + inner.length];
        System.arraycopy(stub, 0, prefixed, 0, stub.length);
        System.arraycopy(inner, 0, prefixed, stub.length, inner.length);
        Findings findings = scan(Map.of("lib/tool.bin", prefixed));
        assertNotNull(findings.needs().get(Permission.USE_NETWORK), findings.toString());
        assertNotNull(findings.problem(), "a stream reader sees no entry behind the stub: " + findings);

        // a resource that only looks like an archive's end, which ZipFile cannot open, is a resource
        byte[] lookalike = "data PK\u0005\u0006 and more than twenty-two bytes after it"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Findings resource = scan(Map.of("data/blob.bin", lookalike));
        assertTrue(resource.clean(), resource.toString());
    }

    @Test
    void resourcesReadForAnArchivesEndCountTowardsTheLimit() {
        // two resources, each under the limit, together over it: read to their ends (for an archive's end record),
        // they count, and the plugin is refused rather than read without bound
        long each = ApiScanner.MAX_BYTES / 2 + 1;
        Findings findings = scanner().scan(new BundleEntries() {
            @Override
            public List<String> files() {
                return List.of("data/one.bin", "data/two.bin");
            }

            @Override
            public InputStream open(String path) {
                return new InputStream() {
                    private long left = each;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }

                    @Override
                    public int read(byte[] into, int offset, int length) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(length, left);
                        java.util.Arrays.fill(into, offset, offset + n, (byte) 'x');
                        left -= n;
                        return n;
                    }
                };
            }
        });
        assertNotNull(findings.problem(), findings.toString());
        assertTrue(findings.problem().contains("MiB to check"), findings.problem());
    }

    @Test
    void anUnreadableClassIsAProblemNotASilentPass() throws IOException {
        Findings findings = scan(Map.of("a/Broken.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1}));
        assertNotNull(findings.problem());
        assertTrue(findings.problem().contains("a/Broken.class"), findings.problem());
    }

    private void assertNeeds(Class<?> type, Permission permission, String evidence) throws IOException {
        Findings findings = scan(Map.of("a/T.class", bytes(type)));
        List<String> places = findings.needs().get(permission);
        assertNotNull(places, type + ": " + findings);
        assertTrue(places.stream().anyMatch(place -> place.startsWith(evidence)), type + ": " + places);
    }

    private Findings scan(Map<String, byte[]> files) {
        Map<String, byte[]> ordered = new LinkedHashMap<>(files);
        return scanner().scan(new BundleEntries() {
            @Override
            public List<String> files() {
                return new ArrayList<>(ordered.keySet());
            }

            @Override
            public InputStream open(String path) {
                return new ByteArrayInputStream(ordered.get(path));
            }
        });
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        String name = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] jar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
