package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/**
 * Red team 9: a plugin with no permission kept what it allocated, under its allocation-rate budget, until the heap was
 * full; every container thread then died of an OutOfMemoryError, the one meant to report it too, and the process ended
 * with status 1 and no line saying why. Now the heap watch names the plugin that allocated the most and quarantines it
 * before memory runs out, and the quarantine stops its code: its thread, which ignores interrupts, ends, what it kept
 * can be collected, and the container goes on (before the stop of a plugin's code, the thread allocated on and the
 * container had to stop with status 3).
 */
public class HeapWatchIT {

    private static final String JAVA = CarehostProcess.thisJava();
    private static final String NAME = "org.carehost.fixture.evil.hoards.heap";

    @Test
    public void aPluginThatFillsTheHeapIsQuarantinedItsThreadEndsAndTheContainerGoesOn() throws Exception {
        Path home = freshHome("heap");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-hoards-heap.jar"),
                home.resolve("deploy/hoards.jar"));
        // A small heap, so that it fills in seconds (the test JVM options otherwise: the serial collector, whose old
        // generation a usage threshold watches); standard input stays open until the test has seen the quarantine.
        Process process = CarehostProcess.start(home, JAVA, "-Xmx256m");
        Path err = home.resolve("stderr.txt");
        Run run;
        try {
            CarehostProcess.awaitFile(process, err, "Plugin " + NAME + " 1.0.0 quarantined: it tried to fill the heap: ");
            // its code stopped: the thread that hoards ends (the JVM's uncaught-error line names it)
            CarehostProcess.awaitFile(process, err, "thread \"evil-hoards-heap\" died of");
            run = CarehostProcess.finish(process, home, "plugin:why " + NAME + "\nplugin:list\n");
        } finally {
            process.destroyForcibly();
        }
        assertTrue("it filled the heap: " + run, run.err.contains("EVIL-HOARDS-HEAP held 64 MB"));
        assertFalse("the container went on, its heap no longer full: " + run, run.err.contains("the heap stays full"));
        assertEquals("the container went on and its script passed: " + run, 0, run.exit);
        assertEquals(run.toString(), "RESOLVED", CarehostProcess.stateOf(run.out, NAME));
        assertTrue("the quarantine is named: " + run, run.out.contains("quarantined: it tried to fill the heap"));
    }
}
