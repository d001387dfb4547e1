package org.carehost.security.internal;

import java.util.EnumSet;

/**
 * What the frames just below the agent's gate say of a hooked call, for the decisions that depend on who called the
 * hooked method rather than on which plugin causes it ({@link Causes}): JDK code on its own account, the framework's
 * own clean-up after an uninstall or update, the framework localising a bundle's headers.
 */
final class GateFrames {

    private static final StackWalker WALKER = StackWalker.getInstance(EnumSet.of(
            StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    private GateFrames() {
    }

    /**
     * Whether the hooked method was called by JDK code on its own account: the first frame below it that is not
     * the hooked class or a JDK override of the hooked method, reflection or method-handle machinery, nor a class
     * loader's constructor chain, is a JDK class.
     */
    static boolean calledByJdk() {
        return belowGate(it -> {
            StackWalker.StackFrame hookedFrame = it.next();
            Class<?> hooked = hookedFrame.getDeclaringClass();
            String hookedMethod = hookedFrame.getMethodName();
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                Class<?> type = frame.getDeclaringClass();
                String name = type.getName();
                // a JDK override of the hooked method calling super is the call itself, not its caller (the root
                // logger's addHandler is LogManager$RootLogger's, whoever calls it); a plugin's override is not
                boolean override = type != hooked && hooked.isAssignableFrom(type) && ChokePoints.isJdk(type)
                        && frame.getMethodName().equals(hookedMethod);
                boolean machinery = type == hooked || override || name.startsWith("java.lang.reflect.")
                        || name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.invoke.")
                        || frame.getMethodName().equals("<init>") && ClassLoader.class.isAssignableFrom(type);
                if (!machinery) {
                    return ChokePoints.isJdk(type);
                }
            }
            return false;
        });
    }

    /**
     * Whether the hooked method's own caller is JDK code that generates what it defines: the JDK's lambdas, proxies,
     * pattern switches and the like define their classes through the public {@code Lookup.defineHiddenClass} (JDK 25's
     * proxies and lambdas too). Not reflection or a method handle's invokers, through which a plugin calls it itself.
     */
    static boolean generatedByJdk() {
        return belowGate(it -> {
            it.next(); // the hooked method
            while (it.hasNext()) {
                Class<?> type = it.next().getDeclaringClass();
                String name = type.getName();
                if (name.startsWith("java.lang.invoke.MethodHandles$Lookup")) {
                    continue; // one define method calling another
                }
                return ChokePoints.isJdk(type) && !name.startsWith("java.lang.reflect.")
                        && !name.startsWith("jdk.internal.reflect.") && !name.startsWith("java.lang.invoke.LambdaForm")
                        && !name.startsWith("java.lang.invoke.DirectMethodHandle")
                        && !name.startsWith("java.lang.invoke.Invokers") && !name.startsWith("java.lang.invoke.MethodHandle$")
                        && !name.equals("java.lang.invoke.MethodHandle");
            }
            return false;
        });
    }

    /**
     * Whether an object of exactly {@code type} is being made on this thread: a constructor of that class is on the stack
     * below the gate (a security provider fills its own entries as it is made, which a plugin's first use of an
     * algorithm may cause; once made, its entries are nobody's to change, through whatever JDK method).
     */
    static boolean constructing(Class<?> type) {
        return belowGate(it -> {
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (frame.getDeclaringClass() == type && frame.getMethodName().equals("<init>")) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Whether the first frame below the gate whose class is not in {@code skipped} (a package prefix: the hooked
     * method's own code, say) is one of {@code methods} (class name to method name).
     */
    static boolean firstCallerOutside(String skipped, java.util.Map<String, String> methods) {
        return belowGate(it -> {
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                String type = frame.getClassName();
                if (!type.startsWith(skipped)) {
                    return frame.getMethodName().equals(methods.get(type));
                }
            }
            return false;
        });
    }

    /**
     * The class of the frame right below the gate: for a check woven into a plugin's class ({@link PluginClassWeaver}),
     * the plugin's method itself (there is no hooked JDK method in between), whoever called that method: Felix calling
     * its activator, SCR its component, Jetty its servlet. Null when there is no gate's frame.
     */
    static Class<?> gateCaller() {
        Class<?>[] caller = new Class<?>[1];
        belowGate(it -> {
            caller[0] = it.next().getDeclaringClass();
            return true;
        });
        return caller[0];
    }

    /**
     * Whether the hooked call is made inside a JDK class's static initialiser, with nothing but JDK code between it and
     * the hook: the JDK setting itself up, which a plugin's first use of the class happened to trigger. Refusing it
     * would leave that JDK class unusable for the whole JVM, the container included (a plugin's first
     * {@code Preferences.userRoot()} had {@code FileSystemPreferences}' initialiser refused its shutdown hook, and the
     * class failed for everyone from then on: {@code NoClassDefFoundError}). Asked only for a call about to be refused.
     */
    static boolean initialisingJdkClass() {
        return belowGate(it -> {
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                if (!ChokePoints.isJdk(frame.getDeclaringClass())) {
                    return false;
                }
                if (frame.getMethodName().equals("<clinit>")) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Walks this thread's stack to the gate's frame and lets {@code below} read on from the frame below it (the hooked
     * method's); false when there is none.
     */
    private static boolean belowGate(java.util.function.Predicate<java.util.Iterator<StackWalker.StackFrame>> below) {
        return WALKER.walk(frames -> {
            java.util.Iterator<StackWalker.StackFrame> it = frames.iterator();
            boolean gate = false;
            while (it.hasNext() && !gate) {
                gate = it.next().getDeclaringClass() == Causes.GATE;
            }
            return it.hasNext() && below.test(it);
        });
    }

    /**
     * Whether the hooked framework method runs for the framework's own localisation of a bundle's headers (a plugin's
     * {@code getHeaders()} on any bundle reads that bundle's localisation file through the framework): headers are any
     * bundle's to read, and the entry is one the bundle's own manifest names.
     */
    static boolean framesLocalisingHeaders() {
        return belowGate(it -> {
            while (it.hasNext()) {
                StackWalker.StackFrame frame = it.next();
                String name = frame.getClassName();
                if (name.equals("org.apache.felix.framework.BundleImpl")) {
                    return frame.getMethodName().equals("getCurrentLocalizedHeader");
                }
                if (!name.startsWith("org.apache.felix.framework.") && !name.startsWith("java.")
                        && !name.startsWith("sun.") && !name.startsWith("jdk.")) {
                    return false;
                }
            }
            return false;
        });
    }

    /**
     * Whether the hooked framework method was called by the framework's own uninstall or update of a bundle (the
     * refresh Felix makes at once when the old revision is in nobody's use): the clean-up of an uninstall or update the
     * rules already allowed (a plugin may uninstall or update only itself), not a refresh the plugin asked for.
     */
    static boolean framesOwnCleanUp() {
        return belowGate(it -> {
            it.next(); // the hooked method
            if (!it.hasNext()) {
                return false;
            }
            StackWalker.StackFrame caller = it.next();
            return caller.getDeclaringClass().getName().equals("org.apache.felix.framework.Felix")
                    && (caller.getMethodName().equals("uninstallBundle") || caller.getMethodName().equals("updateBundle"));
        });
    }
}
