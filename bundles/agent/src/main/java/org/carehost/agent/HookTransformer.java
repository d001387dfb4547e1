package org.carehost.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * The agent's transformer: the JVM calls it for every class it loads (and for those the agent retransforms); it hands
 * the classes with hooks to {@link HookWriter} and answers every other with one set look-up on the name. It refers to no
 * ASM class itself, so that adding it before {@code main} loads none: ASM is loaded, cold, by the first class hooked
 * (on the agent's own thread, {@code carehost-agent-hooks}, for those loaded before it).
 */
final class HookTransformer implements ClassFileTransformer {

    static final String GATE = "java/lang/CarehostGate";

    private final Hooks hooks;
    /** The classes with hooks: every class the JVM loads passes here, and nearly all of them are none of these. */
    private final java.util.Set<String> owners;
    private final List<String> failures;

    HookTransformer(Hooks hooks, List<String> failures) {
        this.hooks = hooks;
        this.owners = hooks.owners();
        this.failures = failures;
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
        List<Hooks.Hook> here = hooks.in(className);
        List<Hooks.Call> calls = hooks.callsIn(className);
        if (here.isEmpty() && calls.isEmpty()) {
            return null;
        }
        try {
            return HookWriter.instrument(bytes, here, calls);
        } catch (RuntimeException | LinkageError e) {
            failures.add(className + ": " + e);
            System.err.println("carehost agent: could not hook " + className + ": " + e);
            return null;
        }
    }
}
