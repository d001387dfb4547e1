package org.carehost.agent;

import static org.carehost.agent.HookedClass.classFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * A hooked class that cannot be hooked is never given back as it was (the JDK would define it without its hooks): the
 * transformer gives bytes the JVM refuses to define, so that the class is looked for, and hooked, at its next load.
 */
class TransformFailureTest {

    private static final String OWNER = "java/lang/ProcessBuilder";

    private final Hooks hooks = new Hooks();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final HookTransformer transformer = new HookTransformer(hooks, failures, HookCache.none());

    @Test
    void aClassThatCannotBeHookedIsGivenBytesTheJvmWillNotDefine() {
        byte[] broken = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9};
        byte[] given = transformer.transform((Module) null, null, OWNER, null, null, broken);
        assertNotNull(given, "null would have the JDK define the class as it was");
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith(OWNER + ": "), failures.toString());
        assertThrows(ClassFormatError.class, () -> new Definer().define(given));
    }

    @Test
    void aStackRunOutBeforeAHookedClassLoadsLeavesItUndefinedNotUnhooked() throws Exception {
        byte[] original = classFile(OWNER);
        byte[] expected = HookWriter.instrument(original, hooks.in(OWNER), hooks.callsIn(OWNER));
        byte[] undefinable = transformer.transform((Module) null, null, OWNER, null, null, new byte[] {1});
        failures.clear();
        List<byte[]> results = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<byte[]> hooked = new AtomicReference<>();
        Thread deep = new Thread(null, () -> recurseThenTransform(original, results, hooked), "deep caller",
                256 * 1024);
        deep.start();
        deep.join(60_000);
        assertNotNull(hooked.get(), "hooked once the stack allowed it");
        assertArrayEquals(expected, hooked.get());
        int refused = 0;
        for (byte[] result : results) {
            assertNotNull(result, "never the class as it was");
            if (Arrays.equals(undefinable, result)) {
                refused++;
            } else {
                assertArrayEquals(expected, result);
            }
        }
        assertTrue(refused > 0, "at least one transform ran out of stack inside the transformer: " + results.size()
                + " results");
        // each refusal is recorded when the stack left allows it (the record is best effort; the refusal is not)
        assertTrue(!failures.isEmpty() && failures.size() <= refused, refused + " refused: " + failures);
    }

    /** Recurses until the stack overflows; on the way back, transforms at each depth until one hooks the class. */
    private void recurseThenTransform(byte[] original, List<byte[]> results, AtomicReference<byte[]> hooked) {
        try {
            recurseThenTransform(original, results, hooked);
        } catch (StackOverflowError bottom) {
            // the deepest frame: the transforms below run with almost no stack left
        }
        if (hooked.get() == null) {
            byte[] result;
            try {
                result = transformer.transform((Module) null, null, OWNER, null, null, original);
            } catch (StackOverflowError beforeTheTransformer) {
                return; // out of stack before the transformer's own code: the agent loads these classes early for this
            }
            results.add(result);
            if (result != null && result.length > 4) {
                hooked.set(result);
            }
        }
    }

    /** Defines a class file the way the JVM would after a transform. */
    private static final class Definer extends ClassLoader {
        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }
}
