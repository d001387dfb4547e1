package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;

class CompiledModulesTest {

    /** (module (func (export "run") (result i32) i32.const 42)) */
    private static final byte[] ANSWER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x07, 0x01, 0x03, 'r', 'u', 'n', 0x00, 0x00,
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b};

    private static long run(CompiledModules cache) {
        WasmModule module = Parser.parse(ANSWER);
        Instance instance = Instance.builder(module).withMachineFactory(cache.machines()).build();
        return instance.export("run").apply()[0];
    }

    private static List<Path> kept(Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".classes")).collect(Collectors.toList());
        }
    }

    @Test
    void aModuleIsCompiledOnceAndKeptOnDiskForTheNextStart(@TempDir Path folder) throws Exception {
        CompiledModules first = new CompiledModules(folder, "1.7.5", 1 << 20);
        assertEquals(42, run(first));
        assertEquals(1, first.inMemory());
        List<Path> files = kept(folder);
        assertEquals(1, files.size(), "one file for the module");
        assertTrue(files.get(0).getParent().getFileName().toString().equals("chicory-1.7.5"), files.toString());

        String digest = Parser.parse(ANSWER).digest();
        CompiledModules afterRestart = new CompiledModules(folder, "1.7.5", 1 << 20);
        assertNotNull(afterRestart.get(digest), "read back from disk");
        assertEquals(42, run(afterRestart));
        assertNull(new CompiledModules(folder, "9.9.9", 1 << 20).get(digest), "another Chicory version does not see it");
    }

    @Test
    void aDamagedFileIsCompiledAgainNotAFailedInstance(@TempDir Path folder) throws Exception {
        assertEquals(42, run(new CompiledModules(folder, "1.7.5", 1 << 20)));
        Path file = kept(folder).get(0);
        Files.write(file, new byte[] {1, 2, 3});
        CompiledModules afterRestart = new CompiledModules(folder, "1.7.5", 1 << 20);
        assertEquals(42, run(afterRestart));
        assertTrue(Files.size(file) > 3, "the damaged file was replaced by a fresh compilation");
    }

    @Test
    void memoryHoldsAtMostItsBoundAndNothingIsWrittenWithoutAFolder() {
        CompiledModules none = new CompiledModules(null, "1.7.5", 0);
        assertEquals(42, run(none));
        assertEquals(0, none.inMemory(), "nothing kept when the bound is 0");
        CompiledModules some = new CompiledModules(null, "1.7.5", 1 << 20);
        some.putIfAbsent("a", new byte[600 * 1024]);
        some.putIfAbsent("b", new byte[600 * 1024]);
        assertNull(some.get("a"), "the eldest made room");
        assertNotNull(some.get("b"));
    }
}
