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
    /** How long a stop asked for during the start (SIGTERM) waits for the start to finish before stopping anyway. */
    private static final long START_WAIT_SECONDS = 20;
    /** The service property of what runs before a stop by signal: the console bundle's {@code BeforeStop}. */
    private static final String BEFORE_STOP = "carehost.before.stop";

    private Thread shutdownHook;
    private FolderLock folderLock;
    private UncaughtErrors.Installed uncaughtErrors;
    private org.osgi.framework.ServiceRegistration<?> mediatorScope;
    private org.osgi.framework.ServiceRegistration<?> containerWiring;
    private StartLevels startLevels;

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

        // A folder copied or moved here: its deploy plugins are installed again from this folder's files (MovedHome).
        java.util.List<String> moved = MovedHome.reinstallFrom(systemContext, home.resolve("deploy"));
        if (!moved.isEmpty()) {
            System.err.println("carehost: this folder was copied or moved from another path; the deploy folder's "
                    + "plugins are installed again from its files: " + String.join(", ", moved));
        }

        // Before the launcher installs any bundle: each at its level, and none started again by an update (StartLevels).
        startLevels = StartLevels.open(systemContext);

        // Before the service loader mediator starts: it leaves alone the bundles it need not rewrite (start time).
        mediatorScope = MediatorScope.register(systemContext);

        boolean interactive = Terminals.stdinIsTerminal();
        System.setProperty(CONSOLE_MODE, interactive ? "interactive" : "script");
        // Gogo's own shell only runs etc/gosh_profile: the console bundle reads the terminal (its InteractiveConsole) or
        // runs the script, reporting each command's failure in its own words (and a script's in the exit status).
        System.setProperty("gosh.args", "--nointeractive --noshutdown");
        // Gogo's shell builds a terminal for that profile run too: a plain one, without JLine's warning that it found no
        // system terminal (the console bundle opens the real one itself)
        System.setProperty("org.jline.terminal.dumb", "true");
        if (!interactive) {
            // Standard output is the script's: only command output, which the console bundle writes to the
            // process's own descriptor. Whatever else prints to System.out (the framework's "ERROR: Bundle ...",
            // a library's fallback logger once the Log Service has stopped) goes to standard error instead.
            System.setOut(System.err);
        }
        // Before the Gogo shell takes these streams as its root and before any plugin runs: a plugin's prints go to
        // the log, not to the operator's console.
        PluginPrints.install(new ContainerBundles(systemContext));

        Framework framework = (Framework) systemContext.getBundle(0);
        // The framework's launcher installs and starts the bundles after this returns; the STARTED event says it is done.
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        systemContext.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        FolderLock held = folderLock;
        // The hook holds the folder's lock too: the JVM keeps its hooks to the end, and an unreachable channel would be
        // closed by its cleaner, letting go of the lock while this container still runs (seen: the bnd launcher keeps
        // no reference to this activator)
        shutdownHook = new Thread(() -> {
            stopCleanly(framework, started);
            java.lang.ref.Reference.reachabilityFence(held);
        }, "carehost-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // SIGTERM came before this ran: the JVM ends when its hooks have run, with nothing of the container's
            // started that needs stopping (a stop from here would race the launcher's installs and print their errors)
            shutdownHook = null;
            return;
        }
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
        if (startLevels != null) {
            try {
                systemContext.removeBundleListener(startLevels);
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
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
            if (shutdownHook != null) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: nothing to remove
        }
    }

    /**
     * Runs what the container's bundles (never a plugin's) ask to be done before a stop by signal (the console bundle's
     * {@code BeforeStop}: Config Admin's queued deliveries, Felix HTTP's start among them), each bounded by its own code.
     */
    private static void beforeStop(Framework framework) {
        try {
            org.osgi.framework.BundleContext context = framework.getBundleContext();
            if (context == null) {
                return;
            }
            ContainerBundles container = new ContainerBundles(context);
            for (org.osgi.framework.ServiceReference<Runnable> reference
                    : context.getServiceReferences(Runnable.class, "(" + BEFORE_STOP + "=true)")) {
                if (reference.getBundle() == null || !container.isContainer(reference.getBundle())) {
                    continue; // a plugin's, which could hold the stop for good: only the container's own run here
                }
                Runnable action = context.getService(reference);
                if (action != null) {
                    try {
                        action.run();
                    } finally {
                        context.ungetService(reference);
                    }
                }
            }
        } catch (RuntimeException | org.osgi.framework.InvalidSyntaxException e) {
            // stopping anyway: the stop itself is what matters
        }
    }

    /**
     * SIGTERM or Ctrl-C: stop every bundle in order, as a normal shutdown would. During the start, first let the
     * framework's launcher finish installing and starting the bundles (bounded): a stop racing it made its installs and
     * activators fail, each printing a stack trace on the console ("The framework has been shutdown").
     */
    private static void stopCleanly(Framework framework, java.util.concurrent.CountDownLatch started) {
        try {
            started.await(START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        beforeStop(framework);
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
