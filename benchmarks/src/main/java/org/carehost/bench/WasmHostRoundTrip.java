package org.carehost.bench;

import java.io.File;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A host-function round trip against the Java call it stands for, side by side in one container (the test kit's, H2
 * in memory): a WebAssembly plugin's {@code get} (integration-tests/wasm/wat/patient-get.wat: its input id to
 * {@code carehost/patient_get}, the FHIR JSON back as output; called as {@code wasm:call} calls it) against
 * {@code PatientService.get} on the service instance the same plugin's bundle context gives it (what a Java plugin
 * calls). Both are checked, audited and in the same care context. Rounds alternate; medians per call and their ratio.
 * Run from the repository root after {@code mvn install}: {@code java -cp
 * benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.WasmHostRoundTrip [calls] [rounds]}.
 */
public final class WasmHostRoundTrip {

    private WasmHostRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path jar = pluginJar(Files.readAllBytes(Path.of("integration-tests/wasm/target/wasm/patient-get.wasm")));
        try (Carehost carehost = Carehost.start(jar, Map.of())) {
            BundleContext container = carehost.context();
            // FileInstall only installed (its package resolves the wasm bundle's import; it watches nothing here)
            container.installBundle(classPathJar("org.apache.felix.fileinstall-").toUri().toString());
            for (String name : List.of("org.apache.felix.gogo.runtime-", "asm-tree-", "asm-analysis-", "asm-commons-",
                    "asm-util-", "carehost-wasm-")) {
                container.installBundle(classPathJar(name).toUri().toString()).start();
            }
            Bundle plugin = carehost.plugin();
            String id = carehost.service(PatientService.class).search(PatientQuery.builder().build()).items().get(0)
                    .id();
            Object commands = await(container, "org.carehost.wasm.internal.WasmCommands");
            Method call = commands.getClass().getMethod("call", String.class, String.class, String[].class);
            ServiceReference<PatientService> reference = plugin.getBundleContext()
                    .getServiceReference(PatientService.class);
            PatientService javaSide = plugin.getBundleContext().getService(reference);
            String name = plugin.getSymbolicName();
            String first = (String) call.invoke(commands, name, "get", new String[] {id});
            if (!first.contains("\"resourceType\":\"Patient\"")) {
                throw new IllegalStateException("the WebAssembly side answered " + first);
            }
            List<Double> wasm = new ArrayList<>();
            List<Double> java = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                boolean wasmFirst = round % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    boolean isWasm = (side == 0) == wasmFirst;
                    long start = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        if (isWasm) {
                            call.invoke(commands, name, "get", new String[] {id});
                        } else {
                            javaSide.get(id);
                        }
                    }
                    double micros = (System.nanoTime() - start) / 1e3 / calls;
                    (isWasm ? wasm : java).add(micros);
                }
            }
            double wasmMedian = median(wasm);
            double javaMedian = median(java);
            System.out.printf(Locale.ROOT, "patient get, %d calls x %d rounds (first rounds are warm-up, included)%n",
                    calls, rounds);
            System.out.printf(Locale.ROOT, "  Java plugin's PatientService.get: median %.1f us/call %s%n", javaMedian,
                    java);
            System.out.printf(Locale.ROOT, "  WebAssembly carehost/patient_get: median %.1f us/call %s%n", wasmMedian,
                    wasm);
            System.out.printf(Locale.ROOT, "  ratio WebAssembly/Java: %.2f (target <= 1.5)%n", wasmMedian / javaMedian);
            plugin.getBundleContext().ungetService(reference);
        }
        System.exit(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static Object await(BundleContext context, String type) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            ServiceReference<?> reference = context.getServiceReference(type);
            if (reference != null) {
                return context.getService(reference);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(type + " did not appear in 30 s");
    }

    private static Path classPathJar(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName().toString().startsWith(prefix) && entry.endsWith(".jar")) {
                return path;
            }
        }
        throw new IllegalStateException(prefix + "*.jar is not on the class path");
    }

    private static Path pluginJar(byte[] wasm) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.carehost.bench.wasmget");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Carehost-Wasm", "plugin.wasm;instances=1");
        main.putValue("Carehost-Permissions", "read:patients");
        Path jar = Files.createTempFile("wasm-get", ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("plugin.wasm"));
            out.write(wasm);
            out.closeEntry();
        }
        return jar;
    }
}
