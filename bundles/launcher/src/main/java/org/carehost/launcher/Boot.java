package org.carehost.launcher;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * The first Carehost code to run, started by the bnd launcher with the system bundle's context right
 * after the framework is initialised and before any bundle is installed. Everything here must happen
 * before bundles start: the working directory and {@code etc/} defaults exist before logging and the
 * deploy watcher read them, the console mode is known before the Gogo shell starts, the shutdown
 * hook is there before anything can be interrupted, and no thread can die of an OutOfMemoryError unnoticed
 * ({@link UncaughtErrors}: the container stops and exits with status 3 instead of running half alive).
 */
public final class Boot implements BundleActivator {

    /** Read by the bnd launcher: start this activator right after framework init. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";

    /** System property the console bundle reads: {@code interactive} or {@code script}. */
    public static final String CONSOLE_MODE = "carehost.console.mode";

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private Thread shutdownHook;
    private FolderLock folderLock;
    private UncaughtErrors.Installed uncaughtErrors;
    private org.osgi.framework.ServiceRegistration<?> mediatorScope;
    private org.osgi.framework.ServiceRegistration<?> containerWiring;

    @Override
    public void start(BundleContext systemContext) throws Exception {
        Path home = Paths.get("").toAbsolutePath();
        // Before anything is laid out: a second container in this folder is refused, changing nothing (the framework's
        // launcher made data/cache already, and only read it).
        try {
            folderLock = FolderLock.take(Home.ownerOnly(home.resolve("data")));
            if (folderLock == null) {
                System.exit(FolderLock.STATUS);
            }
            new Home(home).layOut();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // one line and a status of its own, not the framework going on to start every bundle without a folder
            System.err.println(e instanceof java.io.IOException ? Home.unusable(home, (java.io.IOException) e)
                    : e.getMessage());
            System.exit(Home.STATUS);
        }

        // Before the logging bundle starts: a file Logback cannot parse would leave the container with no log at all.
        LoggingFile.choose(home);

        // Libraries that log through java.util.logging (the service loader mediator) would print INFO
        // lines on the console; Logback (etc/logback.xml) is the container's log.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);

        // Before the framework's first resolve: the container's bundles never wire to a plugin (ContainerWiring).
        containerWiring = ContainerWiring.register(systemContext);

        // Before the service loader mediator starts: it leaves alone the bundles it need not rewrite (start time).
        mediatorScope = MediatorScope.register(systemContext);

        boolean interactive = Terminals.stdinIsTerminal();
        System.setProperty(CONSOLE_MODE, interactive ? "interactive" : "script");
        if (interactive) {
            JlineProviders.register(systemContext); // a real terminal for the console: completion, line editing
        }
        if (!interactive) {
            // The Gogo shell reads standard input only when interactive; a script is run by the console
            // bundle instead, which reports each command's failure in the exit status.
            System.setProperty("gosh.args", "--nointeractive --noshutdown");
            System.setProperty("org.jline.terminal.dumb", "true");
            // Standard output is the script's: only command output, which the console bundle writes to the
            // process's own descriptor. Whatever else prints to System.out (the framework's "ERROR: Bundle ...",
            // a library's fallback logger once the Log Service has stopped) goes to standard error instead.
            System.setOut(System.err);
        }
        // Before the Gogo shell takes these streams as its root and before any plugin runs: a plugin's prints go to
        // the log, not to the operator's console.
        PluginPrints.install(new ContainerBundles(systemContext));

        Framework framework = (Framework) systemContext.getBundle(0);
        FolderLock held = folderLock;
        // The hook holds the folder's lock too: the JVM keeps its hooks to the end, and an unreachable channel would be
        // closed by its cleaner, letting go of the lock while this container still runs (seen: the bnd launcher keeps
        // no reference to this activator)
        shutdownHook = new Thread(() -> {
            stopCleanly(framework);
            java.lang.ref.Reference.reachabilityFence(held);
        }, "carehost-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // After the hook: a fatal error exits the JVM, and the hook is what stops the bundles cleanly.
        uncaughtErrors = UncaughtErrors.install(System::exit);
    }

    @Override
    public void stop(BundleContext systemContext) {
        for (org.osgi.framework.ServiceRegistration<?> hook : new org.osgi.framework.ServiceRegistration<?>[] {
                mediatorScope, containerWiring}) {
            if (hook != null) {
                try {
                    hook.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework stopped first
                }
            }
        }
        if (uncaughtErrors != null) {
            uncaughtErrors.close();
        }
        if (folderLock != null) {
            try {
                folderLock.close();
            } catch (java.io.IOException e) {
                // the process's exit lets go of it
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing to remove
        }
    }

    /** SIGTERM or Ctrl-C: stop every bundle in order, as a normal shutdown would. */
    private static void stopCleanly(Framework framework) {
        try {
            if ((framework.getState() & (Framework.ACTIVE | Framework.STARTING)) != 0) {
                framework.stop();
            }
            FrameworkEvent event = framework.waitForStop(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("carehost: bundles did not stop within " + STOP_TIMEOUT_SECONDS + " s; exiting");
            }
        } catch (Exception e) {
            System.err.println("carehost: clean stop failed: " + e);
        }
    }
}
