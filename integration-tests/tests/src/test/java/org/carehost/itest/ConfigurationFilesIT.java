package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.ended;
import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.script;
import static org.carehost.itest.CarehostProcess.start;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /**
     * While the container runs, a rejected configuration, once its file is corrected, is said to be valid again on the
     * console: an INFO line the console shows (its threshold is WARN). Before (tryout 16 #13), the console said nothing
     * and the ERROR stayed the last word there.
     */
    @Test
    public void aRejectedConfigurationFixedIsSaidToBeValidAgain() throws Exception {
        Path home = freshHomeOnOwnPorts("config-fixed");
        Path ssh = home.resolve("etc/org.carehost.ssh.cfg");
        Files.writeString(ssh, "port=0\nidleSeconds=ten\n");
        Path stderr = home.resolve("stderr.txt");
        Process process = start(home, CarehostProcess.thisJava());
        try (OutputStream in = process.getOutputStream()) {
            awaitFile(process, stderr, "rejected: idleSeconds");
            Files.writeString(ssh, "port=0\nidleSeconds=600\n");
            awaitFile(process, stderr, "is valid again");
        } finally {
            assertTrue("the container ended with its input", process.waitFor(90, TimeUnit.SECONDS));
            process.destroyForcibly();
        }
        Run run = ended(process, home);
        List<String> fixed = run.err.lines().filter(line -> line.contains("is valid again")).toList();
        assertEquals(run.toString(), 1, fixed.size());
        assertTrue(run.toString(), fixed.get(0).contains(" INFO ") && fixed.get(0).contains("org.carehost.ssh")
                && fixed.get(0).contains(ssh.toString()));
    }

    /**
     * An etc/logback.xml broken while the container runs is named in one WARN line with the XML problem when Logback's
     * rescan fails, and logging goes on. Before (tryout 16 #11), nothing at all until the next start.
     */
    @Test
    public void aLogbackFileBrokenWhileRunningIsNamedInOneLine() throws Exception {
        Path home = freshHomeOnOwnPorts("logback-broken");
        Path stderr = home.resolve("stderr.txt");
        Path logback = home.resolve("etc/logback.xml");
        Process process = start(home, CarehostProcess.thisJava());
        try (OutputStream in = process.getOutputStream()) {
            awaitFile(process, stderr, "DEVELOPMENT mode");
            Files.writeString(logback, Files.readString(logback).replace("</appender>", "</appendr>"));
            awaitFile(process, stderr, "is not valid XML");
        } finally {
            assertTrue("the container ended with its input", process.waitFor(90, TimeUnit.SECONDS));
            process.destroyForcibly();
        }
        Run run = ended(process, home);
        List<String> broken = run.err.lines().filter(line -> line.contains("is not valid XML")).toList();
        assertEquals(run.toString(), 1, broken.size());
        assertTrue(run.toString(), broken.get(0).contains(" WARN ") && broken.get(0).contains(logback.toString())
                && broken.get(0).contains("line "));
    }
}
