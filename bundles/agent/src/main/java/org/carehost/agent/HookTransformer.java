package org.carehost.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * The agent's transformer: the JVM calls it for every class it loads (and for those the agent retransforms); it hands
 * the classes with hooks to {@link HookWriter} (or gives what it made of the same class file at an earlier start,
 * {@link HookCache}) and answers every other with one set look-up on the name. It refers to no
 * ASM class itself, so that adding it before {@code main} loads none: ASM is loaded, cold, by the first class hooked
 * (on the agent's own thread, {@code carehost-agent-hooks}, for those loaded before it).
 */
final class HookTransformer implements ClassFileTransformer {

    static final String GATE = "java/lang/CarehostGate";

    /**
     * What a class that could not be hooked is given instead of its bytes: a class file cut short, so that the JVM
     * refuses to define it ({@link ClassFormatError} to whoever loaded it) rather than define it without its hooks,
     * which it does when a transformer throws or returns nothing. Not defined, the class is looked for again at its next
     * load, and hooked then. The likeliest cause is a caller that ran the stack nearly out before loading a hooked
     * class (a plugin can do that on purpose). Written before any failure: a failure may leave no stack to make it.
     */
    private static final byte[] UNDEFINABLE = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE};

    private final Hooks hooks;
    /** The classes with hooks: every class the JVM loads passes here, and nearly all of them are none of these. */
    private final java.util.Set<String> owners;
    private final List<String> failures;
    private final HookCache cache;

    HookTransformer(Hooks hooks, List<String> failures, HookCache cache) {
        this.hooks = hooks;
        this.owners = hooks.owners();
        this.failures = failures;
        this.cache = cache;
    }

    /**
     * What the JVM calls for every class it loads or retransforms (the JDK's instrumentation calls this variant; the
     * default one would only pass on to the other): one set look-up on the name answers all but the hooked classes.
     */
    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        if (className == null || !owners.contains(className)) {
            return null;
        }
        return hook(className, bytes);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (className == null || !owners.contains(className)) {
            return null;
        }
        return hook(className, bytes);
    }

    private byte[] hook(String className, byte[] bytes) {
        try {
            List<Hooks.Hook> here = hooks.in(className);
            List<Hooks.Call> calls = hooks.callsIn(className);
            if (here.isEmpty() && calls.isEmpty()) {
                return null;
            }
            byte[] kept = cache.lookup(className, bytes);
            if (kept != null) {
                return kept;
            }
            byte[] hooked = HookWriter.instrument(bytes, here, calls);
            cache.remember(className, bytes, hooked);
            return hooked;
        } catch (Throwable e) { // a StackOverflowError or an OutOfMemoryError too: the JDK would swallow it
            try {
                failures.add(className.concat(": ").concat(String.valueOf(e)));
                System.err.println("carehost agent: could not hook ".concat(className).concat(" (").concat(
                        String.valueOf(e)).concat("): it is not defined; whoever loaded it gets a ClassFormatError"));
            } catch (Throwable notEvenThat) {
                // out of stack or memory even for the message: refusing the class matters more
            }
            return UNDEFINABLE;
        }
    }
}
