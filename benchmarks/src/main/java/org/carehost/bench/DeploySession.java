package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A running container in its own working directory, into whose {@code deploy/} the plugin is dropped and from
 * which it is removed again, one drop at a time. Closing it closes the container's standard input, so that it
 * exits, and removes the directory (kept if something failed).
 */
final class DeploySession implements AutoCloseable {

    private static final Duration WAIT = ContainerLaunch.WAIT;
    private static final Duration PAUSE_BETWEEN_DROPS = Duration.ofMillis(200);
    private static final String ACTIVATED = "hello plugin activated";
    private static final String DEACTIVATED = "hello plugin deactivated";
    /** What the deploy watcher (FileInstall) logs as it begins to install a jar it found. */
    private static final String INSTALLING = "Installing bundle";

    private final ContainerLaunch launch;
    private final Path pluginJar;
    private final List<String> failures;
    private final boolean agentOff;
    private final Path home;
    private final Path deploy;
    private final Path staging;
    private final Process process;
    private final OutputStream stdin;
    private final LineWatcher stdout;
    private final LineWatcher stderr;
    private final Predicate<String> activated = line -> line.contains(ACTIVATED);
    private final Predicate<String> deactivated = line -> line.contains(DEACTIVATED);
    private final Predicate<String> installing = line -> line.contains(INSTALLING);
    private final String pluginName;
    private final Predicate<String> uninstalled;
    private int drop;
    private boolean failed = true;

    /**
     * @param pluginName the plugin's symbolic name, as the plugin manager's lifecycle lines name it
     * @param failures where {@link #close} adds what went wrong at the end (a timeout is thrown instead)
     */
    DeploySession(ContainerLaunch launch, Path pluginJar, String pluginName, boolean agentOff, List<String> failures)
            throws IOException, InterruptedException, TimeoutException {
        this.launch = launch;
        this.pluginJar = pluginJar;
        this.pluginName = pluginName;
        this.failures = failures;
        this.agentOff = agentOff;
        home = Files.createTempDirectory("carehost-bench-deploy-");
        deploy = Files.createDirectories(home.resolve("deploy"));
        // Staged beside deploy/, on the same file system, so the rename is atomic: the file watcher can never
        // see a half-written jar, and the copy's own duration stays out of the measurement.
        staging = Files.createDirectories(home.resolve("staging"));
        uninstalled = line -> line.contains("Plugin " + pluginName + " ") && line.strip().endsWith(" UNINSTALLED");
        // The console shows WARN and up only (INFO goes to data/log): the lines this session waits for, the
        // sample's activation and the plugin manager's lifecycle, are put on standard error, where they are
        // stamped as they appear, by a logging configuration of its own (the same for the agent on and off).
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/logback.xml"), """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.carehost.sample" level="INFO"/>
                  <logger name="org.carehost.plugins" level="INFO"/>
                  <logger name="LogService.org.apache.felix.fileinstall" level="INFO"/>
                  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        process = launch.builder(home, agentOff).start();
        stdin = process.getOutputStream();
        String tag = agentOff ? "-off" : "";
        stdout = new LineWatcher(process.getInputStream(), "deploy-stdout" + tag);
        stderr = new LineWatcher(process.getErrorStream(), "deploy-stderr" + tag);
        // Any answer to plugin:list means the shell runs, which the container allows only once deploy/
        // is settled, so the file watcher is polling before the first drop. stdin stays open: the
        // container keeps running until it is closed.
        // Under heavy load the script may run before the shell's commands are registered: asked again then.
        long deadline = System.nanoTime() + WAIT.toNanos();
        int notFound = 0;
        stdin.write("plugin:list\n".getBytes(Charset.defaultCharset()));
        stdin.flush();
        while (stdout.count(line -> !line.isBlank()) == 0) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new TimeoutException("no answer to plugin:list within " + WAIT.toSeconds() + " s (kept " + home + ")");
            }
            if (stderr.count(line -> line.contains(ContainerBenchmark.RACE)) > notFound) {
                notFound++;
                stdin.write("plugin:list\n".getBytes(Charset.defaultCharset()));
                stdin.flush();
            }
            Thread.sleep(50);
        }
        failed = false;
    }

    /**
     * Drops the plugin in, waits until it is activated, removes it again; returns the drop's latency in ms from the
     * rename, and from the deploy watcher's "Installing bundle" line (which leaves out the wait for its next look
     * at the folder, up to its poll interval of 50 ms: noise the same for the agent on and off).
     */
    double[] drop() throws IOException, InterruptedException, TimeoutException {
        failed = true;
        try {
            Path staged = Files.copy(pluginJar, staging.resolve("hello.jar.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Path target = deploy.resolve("hello.jar");
            int activations = stderr.count(activated);
            int installings = stderr.count(installing);
            long renamed = System.nanoTime();
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            long active = stderr.awaitNth(activated, activations + 1, WAIT, "'" + ACTIVATED + "' after drop " + drop);
            long installed = stderr.awaitNth(installing, installings + 1, WAIT, "'" + INSTALLING + "' before drop "
                    + drop + " was activated");

            int deactivations = stderr.count(deactivated);
            int uninstalls = stderr.count(uninstalled);
            Files.delete(target);
            stderr.awaitNth(deactivated, deactivations + 1, WAIT, "'" + DEACTIVATED + "' after drop " + drop);
            stderr.awaitNth(uninstalled, uninstalls + 1, WAIT, pluginName + " UNINSTALLED after drop " + drop);
            // lets the work that follows an uninstall (package refresh, the watcher's next polls) finish,
            // so it does not overlap the next drop
            Thread.sleep(PAUSE_BETWEEN_DROPS.toMillis());
            drop++;
            failed = false;
            return new double[] {(active - renamed) / 1e6, (active - installed) / 1e6};
        } catch (TimeoutException e) {
            throw new TimeoutException(e.getMessage() + (agentOff ? ", agent off" : "") + " (kept " + home + ")");
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stdin.close();
            if (!failed) {
                ContainerLaunch.awaitExit(process);
                String problem = launch.agentProblem(String.join("\n", stderr.all()), agentOff);
                if (problem != null) {
                    failures.add("hot deploy: " + problem + " (kept " + home + ")");
                } else {
                    Samples.deleteTree(home);
                }
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
