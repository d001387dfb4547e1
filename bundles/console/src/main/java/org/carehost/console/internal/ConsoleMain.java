package org.carehost.console.internal;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.carehost.plugins.PluginManager;
import org.carehost.shell.CommandFailures;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The launcher's main task ({@code main.thread=true}: the bnd launcher calls it on the main thread and
 * exits the JVM with the status it returns, after stopping the framework).
 * <ul>
 * <li>Script mode (standard input is not a terminal): once the deploy folder is settled, each input line
 * is run as a shell command, its result printed; the status is 0 when every command succeeded, 1 otherwise
 * ({@code exit [status]} ends the script early).
 * <li>Interactive mode: the {@link InteractiveConsole} runs on the terminal until Ctrl-D or {@code exit}, or until the
 * container is stopped otherwise ({@code stop 0}, SIGTERM), and returns 0 ({@code exit <status>}: that status).
 * </ul>
 */
@Component(service = Callable.class, property = "main.thread:Boolean=true")
public final class ConsoleMain implements Callable<Integer> {

    static final String MODE_PROPERTY = "carehost.console.mode";
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final CommandProcessor processor;
    private final PluginManager plugins;
    private final Readiness readiness;
    private final org.osgi.framework.BundleContext context;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final InteractiveConsole console;

    @Activate
    public ConsoleMain(@Reference CommandProcessor processor, @Reference PluginManager plugins,
            @Reference org.osgi.service.component.runtime.ServiceComponentRuntime components,
            org.osgi.framework.BundleContext context) {
        this.processor = processor;
        this.plugins = plugins;
        this.readiness = new Readiness(context, components, true, plugins::held);
        this.context = context;
        this.console = new InteractiveConsole(processor, plugins::names);
    }

    @Deactivate
    void deactivate() {
        stopping.countDown();
        console.close();
    }

    @Override
    public Integer call() throws Exception {
        if (!"script".equals(System.getProperty(MODE_PROPERTY))) {
            // as in a script: the first prompt once every command is there and the profile's Gogo commands with them
            // (the Gogo shell's bundle starts last), at most after the bound; the greeting says what is not ready
            try {
                readiness.await(READY_TIMEOUT);
            } catch (IllegalStateException stoppedWhileStarting) {
                return 0;
            }
            if (stopping.getCount() == 0) {
                return 0;
            }
            int status = console.run();
            // The launcher stops the container when this returns: not while Felix HTTP is still starting.
            ConfigurationDeliveries.awaitQueued(context);
            return status;
        }
        try {
            return runOnceReady();
        } finally {
            // however the script ended (its status, an error): the launcher's stop, after this returns, has no bound
            org.osgi.framework.Bundle system = null;
            try {
                system = context.getBundle(0);
            } catch (IllegalStateException stoppedAlready) {
                // SIGTERM stopped the container meanwhile (this bundle's context is gone): its hook bounds that stop
            }
            if (system instanceof org.osgi.framework.launch.Framework framework) {
                StopWatchdog.watch(framework, plugins::held);
            }
        }
    }

    private int runOnceReady() throws Exception {
        // The first command runs once the container is ready (its components active, the deploy folder settled),
        // or, past the bound, with a line on standard error naming what is not.
        java.util.List<String> missing;
        try {
            missing = readiness.await(READY_TIMEOUT);
        } catch (IllegalStateException e) {
            if (stopping.getCount() == 0) {
                return 0; // stopped while starting (SIGTERM): this bundle's context is gone, and no script runs
            }
            throw e;
        }
        if (stopping.getCount() == 0) {
            return 0; // stopped while starting: no script runs
        }
        if (!missing.isEmpty()) {
            new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("carehost: not ready, running the "
                    + "script anyway: " + String.join("; ", missing));
        }
        try {
            plugins.awaitDeployFolder(SETTLE_TIMEOUT);
        } catch (IllegalStateException e) {
            if (stopping.getCount() == 0) {
                return 0; // stopped while the deploy folder settled (SIGTERM): no script runs (red team 14 saw a trace)
            }
            throw e;
        }
        int status = runScript();
        // The launcher stops the container when this returns: not while Felix HTTP is still starting (on a first
        // start its configuration can reach it after the script is done), which would stop its servlets under it.
        ConfigurationDeliveries.awaitQueued(context);
        // Gogo's shell (gogo.jline's gosh) leaves the session it ran the profile in unclosed, weakly held by the
        // command processor; Gogo runtime 1.1.6 sizes an array by those sessions at its stop, then copies them, and a
        // session collected in between leaves a null it calls close() on (a FrameworkEvent ERROR at exit, seen in CI).
        // Collected now, before the launcher stops the container, none is left for its stop to race with.
        System.gc();
        return status;
    }

    /** Whether the container is being stopped (Ctrl-C, SIGTERM, {@code stop 0}): decided from the framework's state. */
    private boolean containerStopping() {
        if (stopping.getCount() == 0) {
            return true;
        }
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException contextGone) {
            return true;
        }
    }

    private int runScript() throws Exception {
        // The process's own streams, not System.out and System.err: once Gogo runs, those are its
        // ThreadPrintStreams, which write to the current command's output. Given to a session as its output,
        // a command writing there (echo, format, help) would write into itself until the stack overflows.
        Charset charset = Charset.defaultCharset();
        boolean utf8 = charset.equals(java.nio.charset.StandardCharsets.UTF_8);
        // buffered below the filter, which writes byte by byte: flushed at each line and after each command
        PrintStream out = new PrintStream(new TerminalOutput(new java.io.BufferedOutputStream(
                new FileOutputStream(FileDescriptor.out)), utf8), true, charset);
        PrintStream err = new PrintStream(new TerminalOutput(new java.io.BufferedOutputStream(
                new FileOutputStream(FileDescriptor.err)), utf8), true, charset);
        InputStream stdin = new FileInputStream(FileDescriptor.in);
        ScriptExit exit = new ScriptExit();
        int failures = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, charset));
                CommandSession session = processor.createSession(stdin, out, err)) {
            // As in the interactive shell (etc/gosh_profile): the plugin scope first, then Gogo's own.
            session.put("SCOPE", "plugin:gogo:*");
            session.put(ScriptExit.VARIABLE, exit);
            String line;
            while (!exit.requested() && !containerStopping() && (line = in.readLine()) != null) {
                String command = line.strip();
                if (command.isEmpty() || command.startsWith("#")) {
                    continue;
                }
                try {
                    Object result = session.execute(command);
                    if (result != null) {
                        out.print(org.carehost.shell.TerminalText.asLines(org.carehost.shell.TerminalText.formatted(session, result)));
                        out.flush();
                    }
                } catch (Exception e) {
                    failures++;
                    err.println("Error: " + command + ": " + CommandFailures.describe(command, e));
                    if (containerStopping() || CommandFailures.interrupted(e)) {
                        // Ctrl-C or SIGTERM (a script's only interrupter): the lines after it are not run, each
                        // would fail on the closing session
                        break;
                    }
                }
                out.flush();
            }
        }
        return exit.status(failures == 0 ? 0 : 1);
    }

}
