package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/**
 * Red team 19: a plugin with no permission interrupted, in its activator, the thread it runs on: the container's deploy
 * watcher (Felix FileInstall), which ends at an interrupt. No jar dropped, replaced or removed afterwards was acted on
 * until a restart, and readiness stayed down. Both ways it tried (the interrupt itself, and a FutureTask it runs on
 * that thread and cancels, through JDK code) are refused, and a jar dropped afterwards is installed and started.
 */
public class ContainerThreadInterruptIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.interrupts.thread";

    @Test
    public void aPluginCannotInterruptTheContainersThreadItRunsOn() throws Exception {
        Path home = freshHome("interrupts");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-interrupts-thread.jar"),
                home.resolve("deploy/interrupts.jar"));
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava());
        Path log = home.resolve("data/log/carehost.log");
        try {
            awaitFile(process, home.resolve("stderr.txt"), "INTERRUPT futuretask");
            // dropped after the attack: the watcher must still be there to install it
            Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-greeter-v1.jar"),
                    home.resolve("deploy/greeter.jar"));
            long deadline = System.currentTimeMillis() + 120_000;
            while (!(Files.exists(log) && Files.readString(log).lines().anyMatch(line -> line.contains(
                    "Plugin org.carehost.fixture.greeter 1.0.0 (id ") && line.endsWith(" STARTED")))) {
                assertTrue("the greeter dropped after the attack was not started (process alive: " + process.isAlive()
                        + ")", System.currentTimeMillis() < deadline && process.isAlive());
                Thread.sleep(50);
            }
            try (OutputStream in = process.getOutputStream()) {
                in.write("carehost:status\nplugin:list\nsecurity:denials 10\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue("the container did not exit after its input ended", process.waitFor(120, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
        CarehostProcess.Run run = CarehostProcess.ended(process, home);
        assertEquals(run.toString(), 0, run.exit);
        assertTrue("the interrupt was refused: " + run,
                run.err.contains("INTERRUPT direct on ") && run.err.contains("PermissionDeniedException"));
        assertTrue("and through the FutureTask: " + run, run.err.contains("interrupted=false"));
        assertTrue("ready (the deploy folder settled): " + run, run.out.startsWith("ready"));
        assertEquals("the jar dropped afterwards was installed and started: " + run, "ACTIVE",
                CarehostProcess.stateOf(run.out, "org.carehost.fixture.greeter"));
        assertTrue("the refusal is on record: " + run, run.out.contains("Thread.interrupt on '"));
    }
}
