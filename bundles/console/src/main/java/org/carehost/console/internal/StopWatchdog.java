package org.carehost.console.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Bounds the stop that follows a script. The launcher stops the framework once the script is done and waits for it
 * with no bound; a plugin's thread that holds a lock the framework's stop needs (the framework object's own monitor,
 * which any bundle can take with {@code synchronized (context.getBundle(0))}) would keep the process running forever,
 * and with it the operator's script. Past the bound, the process ends with {@link #STATUS} and one line on standard
 * error saying why: the script's results are printed already, and what was stopped by then stays stopped (the store
 * and audit journal are written as each record is acknowledged, so no acknowledged record is lost by the halt). The
 * status replaces the script's own (0 or 1): the container did not stop cleanly, which a script must be able to see.
 *
 * <p>The same bound as the launcher's SIGTERM hook. A thread of its own, started as the script ends (not a bundle's
 * component: the console bundle is itself stopped during the stop it watches).
 */
final class StopWatchdog implements Runnable {

    /** The exit status of a stop that did not end within the bound. */
    static final int STATUS = 4;

    static final Duration BOUND = Duration.ofSeconds(30);

    /**
     * The bound when plugins hold a container thread past the plugin manager's bound as the script ends: the framework
     * stops bundles one after another from the highest start level down, and the first of those plugins it reaches
     * holds that stop for as long as its code holds the plugin's lock (for ever, most likely).
     */
    static final Duration HELD_BOUND = Duration.ofSeconds(5);

    private final Framework framework;
    private final java.util.function.Supplier<java.util.List<String>> held;

    private StopWatchdog(Framework framework, java.util.function.Supplier<java.util.List<String>> held) {
        this.framework = framework;
        this.held = held;
    }

    /**
     * Starts watching: the framework must stop within {@link #BOUND} from now, or within {@link #HELD_BOUND} once
     * plugins hold a container thread ({@code held}: the plugin manager's words for each, asked each second while the
     * stop goes on; the plugin manager stops after the plugins, so it answers while one holds the stop).
     */
    static void watch(Framework framework, java.util.function.Supplier<java.util.List<String>> held) {
        Thread thread = new Thread(new StopWatchdog(framework, held), "carehost-stop-watchdog");
        thread.setDaemon(true); // the JVM exits as soon as the stop ends: this must not keep it
        thread.start();
    }

    private java.util.List<String> heldNow() {
        try {
            return held.get();
        } catch (RuntimeException pluginManagerGone) {
            return java.util.List.of();
        }
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        java.util.List<String> holding = java.util.List.of();
        Duration bound = BOUND;
        while (true) {
            FrameworkEvent event;
            try {
                event = framework.waitForStop(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (event.getType() != FrameworkEvent.WAIT_TIMEDOUT) {
                return;
            }
            if (holding.isEmpty()) {
                holding = heldNow();
                bound = holding.isEmpty() ? BOUND : HELD_BOUND;
            }
            if (System.nanoTime() - start >= bound.toNanos()) {
                break;
            }
        }
        String why = holding.isEmpty() ? "a thread holds a lock the framework's stop needs (a plugin's, most likely: "
                + "plugin:list shows what ran)" : String.join("; ", holding) + " (a plugin quarantined for it does not "
                + "start again)";
        new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("carehost: the container did not stop"
                + " within " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s of the script's end: "
                + why + "; exiting with status " + STATUS);
        Runtime.getRuntime().halt(STATUS);
    }
}
