package org.carehost.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How {@link ContainerBenchmark} starts {@code carehost.jar}, with the run-time enforcement agent on or off, and how it
 * tells that the agent was as asked.
 *
 * @param java the {@code java} launcher of the JDK under test
 * @param containerJar the {@code carehost.jar} under test
 * @param checkAgent whether each run must show the agent as asked (the side-by-side comparison)
 */
record ContainerLaunch(Path java, Path containerJar, boolean checkAgent) {

    /** The longest wait for any one thing the benchmark waits for. */
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String AGENT_OFF = "carehost.agent=off";

    ProcessBuilder builder(Path home, boolean agentOff) {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        if (agentOff) {
            command.add("-D" + AGENT_OFF); // before -jar: the JDK starts the agent, which then installs nothing
        }
        command.addAll(List.of("-jar", containerJar.toString()));
        return new ProcessBuilder(command).directory(home.toFile());
    }

    /**
     * Null if the container's standard error shows the agent as asked (installed, or left out under
     * {@code -Dcarehost.agent=off}), else what is wrong: a comparison of two runs without it would show nothing.
     */
    String agentProblem(String stderr, boolean agentOff) {
        if (!checkAgent) {
            return null; // the default run takes the container as it comes
        }
        boolean saysOff = stderr.contains(AGENT_OFF);
        boolean notRunning = stderr.contains("enforcement agent is not running");
        if (agentOff && !saysOff) {
            return "-D" + AGENT_OFF + " given but the agent did not say it is off";
        }
        if (!agentOff && (saysOff || notRunning)) {
            return "the run-time enforcement agent is not running in a container started without -D" + AGENT_OFF;
        }
        return null;
    }

    /** Waits for the process to end; the time it was seen to end. */
    static long awaitExit(Process process) throws InterruptedException, TimeoutException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("timed out after " + WAIT.toSeconds() + " s waiting for the container to exit");
        }
        return System.nanoTime();
    }
}
