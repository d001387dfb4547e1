package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Red team 18: a plugin granted {@code use:files} opened a JDK file again and again, keeping every stream, until the
 * process had no file descriptor left; the operator could then not revoke its grant (the policy could not be written),
 * nor read the log. The container keeps the last quarter of its descriptors: the plugin is refused there, and
 * quarantined, and the operator's commands that write and read files still work while it holds the rest. Run with a
 * limit of 4,096 descriptors (bash's ulimit), as a real process.
 */
public class DescriptorReserveIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.hoards.descriptors";

    @Test
    public void aPluginThatHoardsDescriptorsIsStoppedAtTheContainersReserve() throws Exception {
        Path home = freshHome("descriptor-reserve");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-hoards-descriptors.jar"),
                home.resolve("deploy/hoards-descriptors.jar"));
        Files.createDirectories(home.resolve("etc/security"));
        Files.writeString(home.resolve("etc/security/policy"), "grant plugin " + PLUGIN + " use:files\n");
        Process process = CarehostProcess.startWithDescriptorLimit(home, CarehostProcess.thisJava(), 4096);
        CarehostProcess.Run run;
        try {
            awaitFile(process, home.resolve("stderr.txt"), "HOARD opened");
            run = CarehostProcess.finish(process, home,
                    "plugin:revoke " + PLUGIN + " use:files\nlog:tail 3\nsecurity:denials 5\n");
        } finally {
            process.destroyForcibly();
        }
        Matcher hoard = Pattern.compile("HOARD opened (\\d+), stopped by (.*)").matcher(run.err);
        assertTrue(run.toString(), hoard.find());
        assertTrue("stopped by the reserve, not by the process running out: " + hoard.group(2),
                hoard.group(2).startsWith("org.carehost.sdk.security.PermissionDeniedException")
                        && hoard.group(2).contains("the last quarter is the container's"));
        assertTrue("it got most of the plugins' three quarters first: " + hoard.group(1),
                Integer.parseInt(hoard.group(1)) > 1500);
        assertEquals("every command worked while it held them: " + run, 0, run.exit);
        assertTrue(run.toString(), run.out.contains("Revoked use:files from " + PLUGIN));
        assertFalse("the policy was written: " + run, run.toString().contains("Too many open files"));
        assertTrue("the denial is on record: " + run, run.out.contains("make one more file descriptor"));
        assertTrue("and the plugin was quarantined: " + run, run.out.contains("quarantine"));
    }
}
