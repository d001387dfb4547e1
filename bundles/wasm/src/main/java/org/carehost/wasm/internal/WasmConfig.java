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
}
