package org.carehost.wasm.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.carehost.wasm.cfg}: the defaults and ceilings of every WebAssembly plugin's limits. */
@ObjectClassDefinition(name = "Carehost WebAssembly plugins",
        description = "Limits of WebAssembly plugins: defaults, and the most a plugin may ask for.")
public @interface WasmConfig {

    @AttributeDefinition(name = "Memory pages", min = "1", max = "65536",
            description = "Linear memory per instance, in 64 KiB pages (256 = 16 MiB).")
    int memoryPages() default 256;

    @AttributeDefinition(name = "Deadline (ms)", min = "1",
            description = "Time one call may take; the module is interrupted then.")
    long deadlineMillis() default 2000;

    @AttributeDefinition(name = "Instances", min = "1", max = "64",
            description = "Instances per plugin: concurrent calls beyond this wait (up to the deadline).")
    int instances() default 4;

    @AttributeDefinition(name = "Largest input (bytes)", min = "1",
            description = "Input of one call, and of one host-function call the module makes.")
    int maxInputBytes() default 1_048_576;

    @AttributeDefinition(name = "Largest output (bytes)", min = "1", description = "Output of one call.")
    int maxOutputBytes() default 1_048_576;

    @AttributeDefinition(name = "Failures before quarantine", min = "1",
            description = "Calls in a row that trap, run out of memory or time before the plugin is quarantined.")
    int failuresToQuarantine() default 5;

    @AttributeDefinition(name = "Compile", description = "Compile modules to JVM bytecode (true) or interpret them.")
    boolean compile() default true;

    @AttributeDefinition(name = "Keep compiled modules",
            description = "Keep modules compiled to JVM bytecode across restarts, keyed by the module's digest, in "
                    + "this bundle's storage area of the framework (data/cache); false: in memory only.")
    boolean keepCompiledModules() default true;

    @AttributeDefinition(name = "Compiled modules in memory (MiB)", min = "0",
            description = "The most compiled output kept in memory, so that a plugin's further instances and other "
                    + "plugins with the same module are not compiled again.")
    int compiledModulesMemoryMiB() default 128;
}
