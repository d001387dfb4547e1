package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/**
 * Red team 9: a plugin with no permission kept what it allocated, under its allocation-rate budget, until the heap was
 * full; every container thread then died of an OutOfMemoryError, the one meant to report it too, and the process ended
 * with status 1 and no line saying why. Now the heap watch names the plugin that allocated the most and quarantines it
 * before memory runs out, and, the heap still full, stops the container with status 3 and one line saying why; the
 * quarantine keeps the plugin stopped at the next start, which is clean.
 */
public class HeapWatchIT {

    private static final String JAVA = CarehostProcess.thisJava();
    private static final String NAME = "org.carehost.fixture.evil.hoards.heap";

    @Test
    public void aPluginThatFillsTheHeapIsQuarantinedAndTheContainerStopsBeforeMemoryRunsOut() throws Exception {
        Path home = freshHome("heap");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-hoards-heap.jar"),
                home.resolve("deploy/hoards.jar"));
        // A small heap, so that it fills in seconds (the test JVM options otherwise: the serial collector, whose old
        // generation a usage threshold watches); standard input is left open: the container ends by itself.
        Process process = CarehostProcess.start(home, JAVA, "-Xmx256m");
        assertTrue("the container did not stop by itself", process.waitFor(120, TimeUnit.SECONDS));
        Run full = CarehostProcess.ended(process, home);
        assertTrue("it filled the heap: " + full, full.err.contains("EVIL-HOARDS-HEAP held 64 MB"));
        assertTrue("quarantined, named as the one that allocated the most: " + full, full.err.contains("Plugin " + NAME
                + " 1.0.0 quarantined: it tried to fill the heap: "));
        assertTrue("one line says why the container stops: " + full, full.err.contains("carehost: the heap stays full ("));
        assertTrue("kept stopped, since it went on allocating after its quarantine: " + full, full.err.contains("plugin "
                + NAME + ", which allocated the most and went on after its quarantine, is kept stopped"));
        // the plugin's thread allocates on through the stop (it ignores interrupts): on a heap this small, the stop may
        // still meet an OutOfMemoryError; the reason and the status come first
        int said = full.err.indexOf("carehost: the heap stays full (");
        int died = full.err.indexOf("OutOfMemoryError");
        assertTrue("the reason is given before any thread meets the error: " + full, died < 0 || said < died);
        assertEquals("the fatal error's status: " + full, 3, full.exit);

        Run next = script(home, JAVA, "plugin:why " + NAME + "\nplugin:list\n");
        assertEquals("the next start is clean: " + next, 0, next.exit);
        assertFalse("it did not run again: " + next, next.err.contains("EVIL-HOARDS-HEAP"));
        assertEquals(next.toString(), "RESOLVED", CarehostProcess.stateOf(next.out, NAME));
        assertTrue("the quarantine is named: " + next, next.out.contains("quarantined: it tried to fill the heap"));
    }
}
