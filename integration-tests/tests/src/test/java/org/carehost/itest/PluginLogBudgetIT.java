package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

/**
 * Red team 19: a plugin with no permission logged 1 MiB lines, under its CPU budget, until Logback's size cap had
 * deleted every line the container wrote before. A plugin may write at most 1 Mi characters of lines a minute: the
 * fixture's 300 lines of 64 KiB (19 MB) leave at most about 16 in the file, the container says it leaves the rest
 * out, and the container's own lines before them are still there.
 */
public class PluginLogBudgetIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.floods.log";

    @Test
    public void aPluginsLinesAreHeldToItsLogBudget() throws Exception {
        Path home = freshHome("log-budget");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-floods-log.jar"),
                home.resolve("deploy/floods-log.jar"));
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava());
        Path log = home.resolve("data/log/carehost.log");
        CarehostProcess.Run run;
        try {
            awaitFile(process, home.resolve("stderr.txt"), "FLOOD logged 300");
            awaitFile(process, log, "The log leaves out plugin " + PLUGIN + "'s lines until the minute is over");
            run = CarehostProcess.finish(process, home, "plugin:list\n");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(run.toString(), 0, run.exit);
        String written = Files.readString(log);
        long floodLines = written.lines().filter(line -> line.contains("plugin " + PLUGIN + ": ")
                && line.contains(" - FLOOD ")).count();
        assertTrue("at most 1 Mi characters of its lines in a minute (two minutes at most here): " + floodLines,
                floodLines >= 1 && floodLines <= 2 * 16);
        assertTrue("the file holds the container's lines from before: " + Files.size(log),
                written.contains("DEVELOPMENT mode") && Files.size(log) < 4 * 1024 * 1024);
    }
}
