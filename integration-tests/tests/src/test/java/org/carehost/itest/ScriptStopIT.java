package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.start;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/** A piped script stopped while a command runs (SIGTERM, as Ctrl-C's SIGINT does). */
public class ScriptStopIT {

    /**
     * The command running is reported interrupted and the lines after it are not run. Before (tryout 16 #16), each later
     * line was tried on the closing session and failed: "Error: echo after: session is closed".
     */
    @Test
    public void theLinesAfterTheInterruptedCommandAreNotRun() throws Exception {
        Path home = freshHomeOnOwnPorts("script-stop");
        Process process = start(home, CarehostProcess.thisJava());
        try (OutputStream in = process.getOutputStream()) {
            in.write("echo started\ngogo:sleep 120000\necho after\necho later\n".getBytes(StandardCharsets.UTF_8));
        }
        try {
            awaitFile(process, home.resolve("stdout.txt"), "started");
            process.destroy(); // SIGTERM while the sleep runs
            assertTrue("the container stopped", process.waitFor(90, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        String out = Files.readString(home.resolve("stdout.txt"));
        String err = Files.readString(home.resolve("stderr.txt"));
        assertFalse("no line after the interrupted one ran:\n" + out + "\n" + err,
                out.contains("after") || err.contains("echo after") || err.contains("echo later"));
        assertFalse(err, err.contains("session is closed"));
    }
}
