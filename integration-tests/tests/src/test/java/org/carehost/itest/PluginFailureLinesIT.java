package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/** The console's lines about a plugin that fails, through carehost.jar. */
public class PluginFailureLinesIT {

    /**
     * A plugin whose activate throws gets one line on the console, the plugin manager's FAILED WARN with the reason and
     * plugin:why; the DS runtime's ERROR about the same failure ("Error during instantiation of the implementation
     * object", in Felix's terms) is in data/log/carehost.log only. Before (tryout 16 #17), it came first on the console.
     */
    @Test
    public void aPluginWhoseActivateThrowsGetsOneConsoleLine() throws Exception {
        Path home = freshHomeOnOwnPorts("activate-throws");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-activate-throws.jar"),
                home.resolve("deploy/throws.jar"));
        Run run = script(home, CarehostProcess.thisJava(), "plugin:list\n");
        List<String> about = run.err.lines().filter(line -> line.contains("org.carehost.fixture.throws")).toList();
        assertEquals(run.toString(), 1, about.size());
        assertTrue(run.toString(), about.get(0).contains("WARN") && about.get(0).contains("FAILED")
                && about.get(0).contains("plugin:why"));
        String log = Files.readString(home.resolve("data/log/carehost.log"));
        assertTrue("the DS runtime's line is in the log file, in full:\n" + log,
                log.contains("Error during instantiation of the implementation object"));
    }
}
