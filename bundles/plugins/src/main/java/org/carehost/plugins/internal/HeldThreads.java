package org.carehost.plugins.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Whose code holds the thread that starts or stops a plugin. A plugin's state says that its start or stop is held, not
 * by whom: the framework runs other plugins' code on that thread too (a service listener told of a service the starting
 * plugin registers, a service factory or a delayed component's activate when it binds a service), and a plugin whose
 * listener never returns would otherwise be taken for the one whose start it holds.
 *
 * <p>The thread: the one the framework told of the plugin's STARTING or STOPPING (this is a synchronous listener, so
 * that is the thread that runs the start or stop), as long as it is still inside one of the framework's lifecycle
 * calls. Its holder: the plugin of its most recent frame that is a plugin's, in three looks 100 ms apart (code that
 * calls into another plugin's now and then does not pass for it); when the thread waits for a lock another thread owns,
 * that thread's plugin instead (a plugin holding the monitor of another plugin's object, then calling it on the start
 * thread, would otherwise pass the blame to that plugin). A frame's class is the plugin's that holds its class file on its
 * own class path ({@code BundleWiring.listResources}, local): a stack trace names classes, not their loaders. Frames
 * of named modules (the JDK's) are passed over; a class name two plugins hold names neither, and then nobody is
 * blamed for certain ({@link Holder#certain}).
 */
final class HeldThreads implements SynchronousBundleListener {

    /** The framework's lifecycle calls, which run plugin code on the calling thread (Felix's). */
    private static final List<String> LIFECYCLE = List.of("startBundle", "stopBundle", "updateBundle",
            "uninstallBundle");
    private static final String FELIX = "org.apache.felix.framework.Felix";
    private static final int LOOKS = 3;
    private static final long LOOK_APART_MILLIS = 100;
    private static final int LONGEST_FRAME = 300;

    /**
     * What holds a thread: the plugin (null when the frame's class is held by more than one, {@code candidates} then),
     * the frame, the thread, and whether it was found through a lock the thread waits for.
     */
    record Holder(Bundle plugin, List<Bundle> candidates, String frame, String thread, boolean byLock) {

        /** Whether one plugin is the holder for certain. */
        boolean certain() {
            return plugin != null;
        }
    }

    /** Each plugin's last start or stop: the thread that runs it. */
    private final Map<Long, Thread> lifecycleThreads = new ConcurrentHashMap<>();
    /** Class name to the plugins holding its class file; cleared as bundles come, change or go. */
    private final Map<String, List<Bundle>> owners = new ConcurrentHashMap<>();

    @Override
    public void bundleChanged(BundleEvent event) {
        long id = event.getBundle().getBundleId();
        switch (event.getType()) {
            case BundleEvent.STARTING:
            case BundleEvent.STOPPING:
                lifecycleThreads.put(id, Thread.currentThread());
                break;
            case BundleEvent.UNINSTALLED:
                lifecycleThreads.remove(id);
                owners.clear();
                break;
            case BundleEvent.INSTALLED:
            case BundleEvent.UPDATED:
            case BundleEvent.RESOLVED:
            case BundleEvent.UNRESOLVED:
                owners.clear();
                break;
            default:
                break;
        }
    }

    /** The thread that runs the plugin's start or stop, while it is still in a lifecycle call; else null. */
    Thread lifecycleThread(Bundle plugin) {
        Thread thread = lifecycleThreads.get(plugin.getBundleId());
        if (thread == null || !thread.isAlive() || !inLifecycle(thread.getStackTrace())) {
            return null;
        }
        return thread;
    }

    /** What holds {@code thread}, the same in each look; null if no plugin's code is on it, or the looks differ. */
    Holder holderOf(Thread thread, List<Bundle> plugins) throws InterruptedException {
        Holder first = null;
        for (int look = 0; look < LOOKS; look++) {
            if (look > 0) {
                Thread.sleep(LOOK_APART_MILLIS);
            }
            Holder now = holderNow(thread, plugins);
            if (now == null || first != null && !samePlugins(first, now)) {
                return null;
            }
            if (first == null) {
                first = now;
            }
        }
        return first;
    }

    private Holder holderNow(Thread thread, List<Bundle> plugins) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId());
        if (info != null && info.getLockOwnerId() >= 0 && info.getLockOwnerId() != thread.getId()) {
            Thread owner = threadById(info.getLockOwnerId());
            Holder byLock = owner == null ? null : topPluginFrame(owner, owner.getStackTrace(), plugins, false);
            if (byLock != null) {
                return new Holder(byLock.plugin(), byLock.candidates(), byLock.frame(), byLock.thread(), true);
            }
        }
        return topPluginFrame(thread, thread.getStackTrace(), plugins, true);
    }

    /** From the most recent frame down to the lifecycle call ({@code toLifecycle}) or the bottom: the first plugin's. */
    private Holder topPluginFrame(Thread thread, StackTraceElement[] frames, List<Bundle> plugins, boolean toLifecycle) {
        for (StackTraceElement frame : frames) {
            if (frame.getModuleName() != null) {
                continue; // the JDK's (a plugin's classes are in no named module, whatever their names)
            }
            String name = frame.getClassName();
            List<Bundle> holding = owners.computeIfAbsent(name, className -> ownersOf(className, plugins));
            if (!holding.isEmpty()) {
                return new Holder(holding.size() == 1 ? holding.get(0) : null, holding, printable(frame.toString()),
                        thread.getName(), false);
            }
            if (toLifecycle && name.equals(FELIX) && LIFECYCLE.contains(frame.getMethodName())) {
                return null; // below the lifecycle call: its caller's own code, not what it ran
            }
        }
        return null;
    }

    private static boolean samePlugins(Holder one, Holder other) {
        return one.candidates().stream().map(Bundle::getBundleId).toList()
                .equals(other.candidates().stream().map(Bundle::getBundleId).toList());
    }

    private static boolean inLifecycle(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (frame.getModuleName() == null && frame.getClassName().equals(FELIX)
                    && LIFECYCLE.contains(frame.getMethodName())) {
                return true;
            }
        }
        return false;
    }

    private static Thread threadById(long id) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getId() == id) {
                return thread;
            }
        }
        return null;
    }

    /** The plugins holding the class file on their own class path (their jar, jars inside it, their fragments). */
    private static List<Bundle> ownersOf(String className, List<Bundle> plugins) {
        int dot = className.lastIndexOf('.');
        String folder = dot < 0 ? "/" : "/" + className.substring(0, dot).replace('.', '/');
        String file = className.substring(dot + 1) + ".class";
        String path = (dot < 0 ? "" : className.substring(0, dot).replace('.', '/') + "/") + file;
        // The file name is a pattern to listResources ('*' a wildcard, '\\' an escape: red team 10 named a class
        // "rt.harmless.A\\ct", which matched another plugin's Act.class): escaped here, and only the exact name counts.
        String pattern = file.replace("\\", "\\\\").replace("*", "\\*");
        List<Bundle> holding = new ArrayList<>();
        for (Bundle plugin : plugins) {
            try {
                BundleWiring wiring = plugin.adapt(BundleWiring.class);
                java.util.Collection<String> found = wiring == null ? null
                        : wiring.listResources(folder, pattern, BundleWiring.LISTRESOURCES_LOCAL);
                if (found != null && (found.contains(path) || found.contains("/" + path))) {
                    holding.add(plugin);
                }
            } catch (IllegalStateException uninstalled) {
                // gone meanwhile
            }
        }
        return List.copyOf(holding);
    }

    /** A frame as a plugin wrote it (its source file's name is the class file's to say): one short line of text. */
    private static String printable(String frame) {
        StringBuilder text = new StringBuilder();
        frame.codePoints().limit(LONGEST_FRAME).forEach(c -> text.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.toString();
    }
}
