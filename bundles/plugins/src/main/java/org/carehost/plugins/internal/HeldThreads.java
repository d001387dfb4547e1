package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;

/**
 * Whose code runs on the threads that are starting or stopping a plugin now: for each thread inside one of the
 * framework's lifecycle calls, the plugin of its most recent frame that is a plugin's. A plugin's state says that its
 * start or stop is held, not by whom: the framework runs other plugins' code on that thread too (a service listener
 * told of a service the starting plugin registers, a service factory or a delayed component's activate when the
 * starting plugin binds a service), and a plugin whose listener never returns would otherwise be taken for the one
 * whose start it holds. Looked at only when a start or stop is held past the bound (a thread dump is not free).
 *
 * <p>A frame's class is the plugin's that holds its class file ({@code BundleWiring.listResources}, local): a stack
 * trace names classes,
 * not their loaders. A class name two plugins hold (one copying another's names) names neither: such a frame is passed
 * over, and with none left the state's answer stands.
 */
final class HeldThreads {

    /** The framework's lifecycle calls, which run plugin code on the calling thread (Felix's). */
    private static final List<String> LIFECYCLE = List.of("startBundle", "stopBundle", "updateBundle",
            "uninstallBundle");
    private static final String FELIX = "org.apache.felix.framework.Felix";

    /** Plugin code on a thread in a lifecycle call: the plugin, the frame, the thread's name. */
    record Culprit(Bundle plugin, String frame, String thread) {

        /** The same plugin code on the same thread, seen again. */
        String key() {
            return thread + "|" + plugin.getBundleId() + "|" + frame;
        }
    }

    /** The plugins whose code is the most recent on each thread inside a lifecycle call now. */
    List<Culprit> now(List<Bundle> plugins) {
        List<Culprit> culprits = new ArrayList<>();
        Map<String, Bundle> owners = new HashMap<>();
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] frames = entry.getValue();
            if (!inLifecycle(frames)) {
                continue;
            }
            for (StackTraceElement frame : frames) {
                String name = frame.getClassName();
                if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
                        || name.equals(FELIX)) {
                    if (name.equals(FELIX) && LIFECYCLE.contains(frame.getMethodName())) {
                        break; // below the lifecycle call: the caller's own code, not what it ran
                    }
                    continue;
                }
                Bundle owner = owners.computeIfAbsent(name, className -> ownerOf(className, plugins));
                if (owner != null) {
                    culprits.add(new Culprit(owner, frame.toString(), entry.getKey().getName()));
                    break;
                }
            }
        }
        return culprits;
    }

    private static boolean inLifecycle(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (frame.getClassName().equals(FELIX) && LIFECYCLE.contains(frame.getMethodName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one plugin holding the class file on its own class path (its jar, the jars inside it it names, its fragments),
     * or null (none, or more than one).
     */
    private static Bundle ownerOf(String className, List<Bundle> plugins) {
        int dot = className.lastIndexOf('.');
        String folder = dot < 0 ? "/" : "/" + className.substring(0, dot).replace('.', '/');
        String file = className.substring(dot + 1) + ".class";
        Bundle owner = null;
        for (Bundle plugin : plugins) {
            try {
                org.osgi.framework.wiring.BundleWiring wiring = plugin.adapt(org.osgi.framework.wiring.BundleWiring.class);
                if (wiring != null && !wiring.listResources(folder, file,
                        org.osgi.framework.wiring.BundleWiring.LISTRESOURCES_LOCAL).isEmpty()) {
                    if (owner != null) {
                        return null;
                    }
                    owner = plugin;
                }
            } catch (IllegalStateException uninstalled) {
                // gone meanwhile
            }
        }
        return owner;
    }
}
