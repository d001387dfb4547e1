package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.carehost.security.SecurityStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redteam-3 #13: a bare module's {@code .json} descriptor cannot write manifest headers of its own (a line break in a
 * value started a new header: {@code Fragment-Host}, a second {@code Bundle-SymbolicName}); version and permissions
 * are checked. Each refusal names the file, the key and what to write instead.
 */
class BareWasmTransformerTest {

    @TempDir
    Path deploy;

    @TempDir
    Path work;

    private final BareWasmTransformer transformer = new BareWasmTransformer(
            (SecurityAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SecurityAdmin.class},
                    (proxy, method, args) -> method.getName().equals("status")
                            ? new SecurityStatus(SecurityMode.DEVELOPMENT, "policy", null, "trusted", List.of(), "17",
                                    0, 0)
                            : null));

    private File module(String json) throws Exception {
        Path wasm = deploy.resolve("labs.wasm");
        Files.write(wasm, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Files.writeString(deploy.resolve("labs.json"), json);
        return wasm.toFile();
    }

    private String refusal(String json) throws Exception {
        File wasm = module(json);
        return assertThrows(IllegalArgumentException.class, () -> transformer.transform(wasm, work.toFile()))
                .getMessage();
    }

    @Test
    void aBackslashOrAQuoteInAHeaderValueIsRefused() throws Exception {
        // kind="a\";resource=";deadline-ms=999999;x=": the backslash escaped the closing quote, and the next value was
        // read as attributes of its own
        String backslash = refusal("{\"kind\":\"a\\\\\",\"resource\":\";deadline-ms=999999;x=\"}");
        assertTrue(backslash.startsWith("labs.json: \"kind\" holds a quote or a backslash"), backslash);
        String quote = refusal("{\"channel\":\"x\\\";y=\\\"z\"}");
        assertTrue(quote.startsWith("labs.json: \"channel\" holds a quote or a backslash"), quote);
    }

    @Test
    void aLineBreakInAnyValueIsRefused() throws Exception {
        String version = refusal("{\"version\":\"1.0.0\\nFragment-Host: org.carehost.sample.hello\",\"permissions\":[]}");
        assertTrue(version.startsWith("labs.json: \"version\" holds a control character"), version);
        String permission = refusal("{\"permissions\":[\"read:patients\\r\\nRequire-Bundle: x\"]}");
        assertTrue(permission.contains("holds a control character"), permission);
        String attribute = refusal("{\"kind\":\"module\\nDynamicImport-Package: *\"}");
        assertTrue(attribute.contains("\"kind\" holds a control character"), attribute);
        String nested = refusal("{\"config\":{\"greeting\":\"hi\\u0007\"}}");
        assertTrue(nested.contains("\"config.greeting\" holds a control character"), nested);
    }

    @Test
    void theVersionAndThePermissionsAreChecked() throws Exception {
        String version = refusal("{\"version\":\"1.0.0;x=y\"}");
        assertTrue(version.startsWith("labs.json: \"version\" is not a version"), version);
        String permission = refusal("{\"permissions\":[\"read:patients\",\"read:everything\"]}");
        assertTrue(permission.startsWith("labs.json: \"read:everything\" is not a permission (valid:"), permission);
        String notAList = refusal("{\"permissions\":\"read:patients\"}");
        assertTrue(notAList.contains("\"permissions\" must be a list"), notAList);
    }

    @Test
    void aGoodDescriptorMakesTheManifestItSays() throws Exception {
        File jar = transformer.transform(module("{\"version\":\"1.2\",\"permissions\":[\"read:patients\"],"
                + "\"kind\":\"validator\",\"resource\":\"Patient\"}"), work.toFile());
        try (JarFile bundle = new JarFile(jar)) {
            Attributes main = bundle.getManifest().getMainAttributes();
            assertEquals("labs", main.getValue("Bundle-SymbolicName"));
            assertEquals("1.2.0", main.getValue("Bundle-Version"));
            assertEquals("read:patients", main.getValue("Carehost-Permissions"));
            assertEquals("plugin.wasm;kind=\"validator\";resource=\"Patient\"", main.getValue(WasmDescriptor.HEADER));
            assertNull(main.getValue("Fragment-Host"));
            assertFalse(main.keySet().stream().anyMatch(k -> k.toString().isBlank()));
        }
    }
}
