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

/** What the operator is told about the configuration files in {@code etc/}. */
public class ConfigurationFilesIT {

    /**
     * A file named for a PID of the container's but misspelt ({@code org.carehost.shh.cfg}) changes nothing; the
     * console says so once, naming the file and the PID it likely meant, and {@code carehost:status} lists it (ready,
     * with a WARN). Before (tryout 16 #12), only an INFO line in the log file ("Creating configuration").
     */
    @Test
    public void aMisspeltFileNameIsNamedOnceWithTheNearestSetting() throws Exception {
        Path home = freshHomeOnOwnPorts("misspelt-cfg");
        Files.writeString(home.resolve("etc/org.carehost.shh.cfg"), "port=8111\n");
        Run run = script(home, CarehostProcess.thisJava(), "carehost:status\n");
        assertEquals(run.toString(), 0, run.exit);
        List<String> warnings = run.err.lines().filter(line -> line.contains("org.carehost.shh")).toList();
        assertEquals(run.toString(), 1, warnings.size());
        assertTrue(run.toString(), warnings.get(0).contains("WARN")
                && warnings.get(0).contains(home.resolve("etc/org.carehost.shh.cfg").toString())
                && warnings.get(0).contains("org.carehost.ssh.cfg"));
        assertTrue(run.toString(), run.out.startsWith("ready")
                && run.out.contains("WARN") && run.out.contains("org.carehost.shh.cfg"));
    }
}
