package org.carehost.wasm.internal;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactTransformer;
import org.carehost.sdk.security.Permissions;
import org.carehost.security.SecurityAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A bare {@code name.wasm} dropped into the deploy folder, made into a plugin bundle for FileInstall to install: the
 * symbolic name is the file name without {@code .wasm}, and {@code name.json} beside it (optional) gives
 * {@code "version"}, {@code "permissions"} (a list), {@code "kind"} and its attributes ({@code "resource"},
 * {@code "channel"}), limits ({@code "memory-pages"}, {@code "deadline-ms"}, {@code "instances"}, {@code "max-input"},
 * {@code "max-output"}) and {@code "config"} (Extism config). Without it: no permissions, default limits, kind module.
 * The file is checked first ({@link BareWasmCheck}, which {@code plugin:why} asks too): every value of the descriptor
 * ({@link BareDescriptor}: no control characters, an OSGi version, known permission names), so it cannot write
 * manifest headers of its own, and the module itself. The canonical form is the bundle jar (it can be signed); in
 * production mode a bare module is refused, since it cannot be.
 */
@Component(service = ArtifactTransformer.class)
public final class BareWasmTransformer implements ArtifactTransformer {

    private final BareWasmCheck check;

    @Activate
    public BareWasmTransformer(@Reference SecurityAdmin security) {
        this.check = new BareWasmCheck(security);
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().toLowerCase(Locale.ROOT).endsWith(".wasm");
    }

    @Override
    public File transform(File artifact, File tmpDir) throws Exception {
        String fileName = artifact.getName();
        String name = fileName.substring(0, fileName.length() - ".wasm".length());
        String problem = check.problem(artifact.toPath());
        if (problem != null) {
            throw new IllegalArgumentException(problem); // the deploy watcher logs it; plugin:why says it too
        }
        Path json = artifact.toPath().resolveSibling(name + ".json");
        JsonNode descriptor = BareWasmCheck.descriptor(json);
        BareDescriptor checked = new BareDescriptor(json.getFileName().toString(), descriptor);
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", name);
        main.putValue("Bundle-Version", checked.version().toString());
        main.putValue("Bundle-Name", name + " (WebAssembly, from " + fileName + ")");
        main.putValue(WasmDescriptor.HEADER, header(checked));
        List<String> permissions = checked.permissions();
        if (!permissions.isEmpty()) {
            main.putValue(Permissions.HEADER, String.join(",", permissions));
        }
        File bundle = new File(tmpDir, name + ".jar");
        try (OutputStream file = Files.newOutputStream(bundle.toPath());
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("plugin.wasm"));
            Files.copy(artifact.toPath(), out);
            out.closeEntry();
            if (Files.exists(json)) {
                out.putNextEntry(new JarEntry("plugin.json"));
                Files.copy(json, out);
                out.closeEntry();
            }
        }
        return bundle;
    }

    private static String header(BareDescriptor descriptor) {
        StringBuilder header = new StringBuilder("plugin.wasm");
        for (String attribute : BareDescriptor.HEADER_ATTRIBUTES) {
            String value = descriptor.headerValue(attribute);
            if (value != null) {
                header.append(';').append(attribute).append("=\"").append(value).append('"');
            }
        }
        return header.toString();
    }
}
