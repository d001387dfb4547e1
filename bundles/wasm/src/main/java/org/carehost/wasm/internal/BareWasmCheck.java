package org.carehost.wasm.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.plugins.DeployFileCheck;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Whether a bare {@code name.wasm} in the deploy folder can become a plugin: development mode (production runs only
 * signed jars), a file name that can be a symbolic name, a valid {@code name.json} beside it if there is one, and a
 * module the WebAssembly parser reads. {@link BareWasmTransformer} asks before wrapping the file, and the plugin
 * manager asks for {@code plugin:why} and the deploy file's FAILED line: a file that is not a module is not installed
 * (it was installed, then quarantined, with "plugin:start lifts the quarantine", which it could not). The answer for a
 * file is kept while its size and time are unchanged: the plugin manager's scan asks every two seconds.
 */
@Component(property = DeployFileCheck.EXTENSION + "=.wasm")
public final class BareWasmCheck implements DeployFileCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecurityAdmin security;
    private final Map<Path, Answer> answers = new ConcurrentHashMap<>();

    private record Answer(long modified, long size, String problem) {
    }

    @Activate
    public BareWasmCheck(@Reference SecurityAdmin security) {
        this.security = security;
    }

    @Override
    public String problem(Path file) {
        String fileName = file.getFileName().toString();
        if (security.status().mode() == SecurityMode.PRODUCTION) {
            return fileName + " is refused: production mode runs only signed plugins, and a bare .wasm cannot be "
                    + "signed. Package it as a signed bundle jar with a Carehost-Wasm header (see plugin-sdk/README.md).";
        }
        String name = fileName.substring(0, fileName.length() - ".wasm".length());
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*")) {
            return fileName + ": a WebAssembly plugin's file name becomes its symbolic name; use letters, digits, "
                    + "'.', '_' and '-' only";
        }
        String descriptor = descriptorProblem(file.resolveSibling(name + ".json"));
        return descriptor != null ? descriptor : moduleProblem(file);
    }

    /** The descriptor beside the module, read; a problem in it throws {@link IllegalArgumentException}. */
    static JsonNode descriptor(Path json) throws IOException {
        if (!Files.exists(json)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(json.toFile());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(json.getFileName() + " must hold a JSON object");
            }
            BareDescriptor checked = new BareDescriptor(json.getFileName().toString(), node);
            checked.version();
            checked.permissions();
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(json.getFileName() + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String descriptorProblem(Path json) {
        try {
            descriptor(json);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (IOException e) {
            return json.getFileName() + " cannot be read: " + e.getMessage();
        }
    }

    private String moduleProblem(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            long size = Files.size(file);
            Answer known = answers.get(file);
            if (known != null && known.modified() == modified && known.size() == size) {
                return known.problem();
            }
            String problem = parse(file);
            if (answers.size() > 1000) {
                answers.clear(); // a folder that has seen so many files: the next scan asks again
            }
            answers.put(file, new Answer(modified, size, problem));
            return problem;
        } catch (IOException e) {
            return file.getFileName() + " cannot be read: " + e.getMessage();
        }
    }

    private static String parse(Path file) throws IOException {
        if (Files.size(file) > ModuleBounds.MAX_BYTES) {
            return file.getFileName() + " is larger than " + (ModuleBounds.MAX_BYTES >> 20) + " MiB, more than any "
                    + "plugin's module needs";
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(ModuleBounds.MAX_BYTES + 1); // it may have grown since its size was looked at
        }
        String bound = ModuleBounds.problem(bytes);
        if (bound != null) {
            return file.getFileName() + " is refused: " + bound + ", more than any plugin's module needs";
        }
        try {
            Parser.parse(bytes);
            return null;
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return file.getFileName() + " is not a valid WebAssembly module (" + e.getMessage() + "); replace it "
                    + "with a compiled module (the binary .wasm, not its .wat text)";
        } catch (OutOfMemoryError e) {
            // what the bounds do not foresee: the parser asked for more than the JVM gives (an array past its limit)
            return file.getFileName() + " is refused: parsing it asks for more memory than a module may have ("
                    + e.getMessage() + ")";
        }
    }
}
