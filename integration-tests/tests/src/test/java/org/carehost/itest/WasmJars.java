package org.carehost.itest;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** WebAssembly plugin jars made in the tests: modules of the corpus (or Extism's own) with a Carehost-Wasm header. */
final class WasmJars {

    private WasmJars() {
    }

    /** integration-tests/wasm: its target/wasm holds the assembled corpus, extism/ Extism's test plugins. */
    static Path tools() {
        String tools = System.getProperty("carehost.wasm.tools");
        if (tools == null) {
            throw new IllegalStateException("carehost.wasm.tools is not set (run the tests through Maven)");
        }
        return Paths.get(tools);
    }

    /** A module of the corpus (wat/NAME.wat, assembled) or of Extism (extism/NAME.wasm). */
    static byte[] module(String name) throws IOException {
        Path corpus = tools().resolve("target/wasm").resolve(name + ".wasm");
        return Files.readAllBytes(Files.exists(corpus) ? corpus : tools().resolve("extism").resolve(name + ".wasm"));
    }

    /** A plugin jar carrying {@code plugin.wasm} with the header {@code plugin.wasm;<attributes>}. */
    static File jar(Path folder, String symbolicName, String version, byte[] wasm, String attributes,
            String permissions) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Carehost-Wasm", "plugin.wasm" + (attributes.isEmpty() ? "" : ";" + attributes));
        if (permissions != null) {
            main.putValue("Carehost-Permissions", permissions);
        }
        File jar = folder.resolve(symbolicName + "-" + version + ".jar").toFile();
        try (OutputStream file = Files.newOutputStream(jar.toPath());
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Map.Entry<String, byte[]> entry : Map.of("plugin.wasm", wasm).entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }
}
