package org.carehost.wasm.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.CompiledModule;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;

/**
 * Modules compiled to JVM bytecode, kept so that a module is compiled once, not once per instance: the Extism SDK
 * links (and, left to itself, compiles) the module anew for every instance it makes, and compiling a 1.8 MB module
 * takes seconds. Chicory's compiler takes a {@link Cache} of its output keyed by the module's digest; this is that
 * cache, in memory (least recently used first out, at most {@code memoryBytes}) and, when a folder is configured, on
 * disk, so that a restart or a hot reload of the same module does not compile it again either.
 *
 * <p>Written here because Chicory defines only the interface. The folder is the container's own (this bundle's
 * storage area under {@code data/cache}, out of every plugin's reach: what is kept is class files the container
 * loads); each entry is written to a temporary file and moved into place; the folder's name carries the Chicory
 * version, since compiled classes fit only the runtime that wrote them. An entry that cannot be read, written or
 * loaded is compiled again, never an error of the call.
 */
final class CompiledModules implements Cache {

    private final Path folder;
    private final long memoryBytes;
    private final Map<String, byte[]> memory = new LinkedHashMap<>(16, 0.75f, true);
    private long held;
    /** Loaded classes per module digest, while any plugin uses them. */
    private final SharedByKey<Function<Instance, Machine>> loaded = new SharedByKey<>();

    /**
     * @param folder where compiled modules are kept across restarts, or null for memory only
     * @param chicoryVersion the Chicory version this bundle carries (compiled output fits only it)
     * @param memoryBytes the most compiled output kept in memory
     */
    CompiledModules(Path folder, String chicoryVersion, long memoryBytes) {
        this.folder = folder == null ? null
                : folder.resolve("chicory-" + String.valueOf(chicoryVersion).replaceAll("[^A-Za-z0-9.]", "_"));
        this.memoryBytes = memoryBytes;
    }

    /**
     * Chicory's machine factory for the instances of one plugin. A module's compiled classes are loaded once per
     * digest and shared by every instance of every plugin running that module (its own module and the Extism kernel
     * each instance links); the factory returned holds on to the class sets it has used, so they stay loaded while the
     * plugin runs and can be unloaded after. Classes are compiled through this cache: a kept entry Chicory cannot load
     * (a truncated or foreign file) is dropped and the module compiled again.
     */
    Function<Instance, Machine> machines() {
        java.util.Set<Function<Instance, Machine>> used = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return instance -> {
            Function<Instance, Machine> classes = classes(instance.module());
            used.add(classes);
            return classes.apply(instance);
        };
    }

    /**
     * Compiles the module now (or finds it compiled), so that a module Chicory cannot compile is refused as its plugin
     * starts, not at its first call.
     *
     * @throws RuntimeException or {@link LinkageError} what the compiler said
     */
    void compileNow(WasmModule module) {
        classes(module);
    }

    /** Compiled class sets alive now, one per module digest (for the tests). */
    int classSets() {
        return loaded.alive();
    }

    private Function<Instance, Machine> classes(WasmModule module) {
        String key = module.digest();
        return key == null ? load(module) : loaded.get(key, () -> load(module));
    }

    /**
     * The module's classes, compiled or read from this cache, as a factory of machines for any instance of a module
     * with the same digest (Chicory's own factory would take only instances of the very {@link WasmModule} object it
     * was compiled from; the classes depend on the module's bytes alone).
     */
    private Function<Instance, Machine> load(WasmModule module) {
        try {
            return unwrapped(compiler(module).compile());
        } catch (RuntimeException | LinkageError unusable) {
            if (!forget(module.digest())) {
                throw unusable;
            }
            return unwrapped(compiler(module).compile());
        }
    }

    /**
     * Chicory's compiler for the module, which fails rather than interpret a function it cannot compile (too large for
     * a JVM method): an interpreted function keeps its locals in frames on the heap, one per call, and a module's
     * recursion through a function with 50,000 locals held about 1 GB of heap per call (red team 18); a compiled one
     * keeps them on its thread's stack, which bounds them.
     */
    private MachineFactoryCompiler.Builder compiler(WasmModule module) {
        return MachineFactoryCompiler.builder(module).withCache(this)
                .withInterpreterFallback(com.dylibso.chicory.compiler.InterpreterFallback.FAIL);
    }

    private static Function<Instance, Machine> unwrapped(Function<Instance, Machine> factory) {
        return factory instanceof CompiledModule compiled ? compiled.machineFactory() : factory;
    }

    /** Drops what is kept under {@code key}; true if anything was. */
    boolean forget(String key) {
        boolean found;
        synchronized (memory) {
            byte[] before = memory.remove(key);
            found = before != null;
            held -= before == null ? 0 : before.length;
        }
        Path file = file(key);
        try {
            return file != null && Files.deleteIfExists(file) || found;
        } catch (IOException e) {
            return found;
        }
    }

    @Override
    public byte[] get(String key) {
        synchronized (memory) {
            byte[] held = memory.get(key);
            if (held != null) {
                return held;
            }
        }
        Path file = file(key);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            remember(key, bytes);
            return bytes;
        } catch (IOException unreadable) {
            return null;
        }
    }

    @Override
    public void putIfAbsent(String key, byte[] compiled) {
        remember(key, compiled);
        Path file = file(key);
        if (file == null || Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, ".compiling-", ".tmp");
            try {
                Files.write(partial, compiled);
                try {
                    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException notKept) {
            // kept in memory only; the next start compiles it again
        }
    }

    /** Compiled modules in memory now (for wasm:list and the benchmarks). */
    int inMemory() {
        synchronized (memory) {
            return memory.size();
        }
    }

    private void remember(String key, byte[] compiled) {
        if (compiled.length > memoryBytes) {
            return;
        }
        synchronized (memory) {
            byte[] before = memory.put(key, compiled);
            held += compiled.length - (before == null ? 0 : before.length);
            Iterator<byte[]> eldest = memory.values().iterator();
            while (held > memoryBytes && eldest.hasNext()) {
                held -= eldest.next().length;
                eldest.remove();
            }
        }
    }

    /**
     * The file of a key (Chicory's digest of the module, e.g. {@code sha-256:} and Base64, which may hold '/'): named by
     * the SHA-256 of the key in hex, so that no key can name a path.
     */
    private Path file(String key) {
        if (folder == null || key == null) {
            return null;
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return folder.resolve(java.util.HexFormat.of().formatHex(hash) + ".classes");
        } catch (java.security.NoSuchAlgorithmException e) {
            return null; // every JDK has SHA-256
        }
    }
}
