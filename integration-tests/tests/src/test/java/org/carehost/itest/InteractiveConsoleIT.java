package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * The interactive console on a real pseudo-terminal (util-linux {@code script} gives the container one, and passes this
 * test's keys to it): it was always a "dumb terminal" (JLine found none of its terminal providers in the framework),
 * with a warning at each start and no completion, so {@code plugin:lis<Tab>} ran as the unknown command
 * {@code plugin:lis}. Now the console is a real terminal: no warning, and Tab completes the command.
 */
public class InteractiveConsoleIT {

    @Test
    public void theConsoleIsARealTerminalWhoseTabCompletesACommand() throws Exception {
        Path home = CarehostProcess.freshHome("tty");
        Path typescript = home.resolve("typescript.txt");
        List<String> java = new ArrayList<>(List.of(CarehostProcess.thisJava()));
        java.addAll(CarehostProcess.TEST_JVM_OPTIONS);
        java.addAll(List.of("-jar", CarehostProcess.JAR.toString()));
        // a terminal of a given size: script's own has none when its input is not a terminal
        Process process = new ProcessBuilder("script", "-qefc", "stty cols 120 rows 40 && exec " + String.join(" ", java),
                "/dev/null")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(typescript.toFile())
                .start();
        try (OutputStream keys = process.getOutputStream()) {
            CarehostProcess.awaitFile(process, typescript, "carehost>");
            keys.write("plugin:lis\t\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            CarehostProcess.awaitFile(process, typescript, "org.carehost.sample.hello");
            keys.write("exit\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertTrue("the console did not end after exit", process.waitFor(60, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        String typed = Files.readString(typescript);
        assertFalse(typed, typed.contains("Unable to create a system terminal"));
        assertFalse(typed, typed.contains("Command not found"));
        assertEquals(typed, 0, process.exitValue());
    }
}
