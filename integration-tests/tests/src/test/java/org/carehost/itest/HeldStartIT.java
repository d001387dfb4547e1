package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/**
 * Found by hand: a plugin with no permission whose activator never returns (it sleeps and ignores interrupts, so no
 * budget trips) held the thread that started it for good: the deploy watcher's on a first start (no later jar was
 * installed), the framework's start-level thread at every later start (every plugin after it stayed RESOLVED, the
 * container never got ready, and each start waited 60 s for readiness and 30 s for the stop). Now, past the plugin
 * manager's bound ({@code heldSeconds}), it is reported FAILED and quarantined, the script runs without waiting for
 * readiness that cannot come, an operator's {@code plugin:start} of it answers, the stop gives up at once naming it,
 * and the next start comes up ready without it.
 */
public class HeldStartIT {

    private static final String JAVA = CarehostProcess.thisJava();
    private static final String NAME = "org.carehost.fixture.evil.holds.start";

    @Test
    public void aPluginWhoseActivatorNeverReturnsIsQuarantinedAndTheNextStartComesUpWithoutIt() throws Exception {
        Path home = freshHome("held-start");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.plugins.cfg"), "heldSeconds=3\n");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-holds-start.jar"),
                home.resolve("deploy/holds.jar"));

        Run held = script(home, JAVA, "plugin:why " + NAME + "\nplugin:start " + NAME + "\nplugin:list\n");
        assertTrue("its activator ran, on the deploy watcher's thread: " + held,
                held.err.contains("EVIL-HOLDS-START holding fileinstall-deploy"));
        assertTrue("reported as FAILED once held past the bound: " + held, held.err.contains("Plugin " + NAME
                + " 1.0.0 FAILED: its activator's start has not returned for 3 s"));
        assertTrue("plugin:why names the quarantine: " + held, held.out.contains("quarantined: it tried to keep a "
                + "thread that starts or stops plugins: its activator's start has not returned for 3 s"));
        assertTrue("the operator's plugin:start answers instead of waiting with it: " + held, held.err.contains(
                "Error: plugin:start " + NAME + ": Plugin " + NAME + " (id ") && held.err.contains(
                "is starting already, and that has not finished: nothing was done"));
        assertEquals("plugin:list answers after it: " + held, "STARTING", CarehostProcess.stateOf(held.out, NAME));
        assertTrue("the stop gives up at once, naming it: " + held, held.err.matches("(?s).*carehost: the container did "
                + "not stop within [5-9] s of the script's end: plugin " + NAME.replace(".", "\\.") + " holds a container "
                + "thread.*"));
        assertEquals(held.toString(), 4, held.exit);

        // the sample beside it: the deploy watcher, held, never started it, and does not at the next start either
        // (FileInstall starts again only what was started); an operator does
        Run next = script(home, JAVA, "plugin:why " + NAME + "\nplugin:start org.carehost.sample.hello\nplugin:list\n"
                + "carehost:status\n");
        assertEquals("the next start is clean: " + next, 0, next.exit);
        assertFalse("its activator did not run again: " + next, next.err.contains("EVIL-HOLDS-START"));
        assertFalse("ready before the script, without waiting: " + next, next.err.contains("not ready"));
        assertEquals(next.toString(), "RESOLVED", CarehostProcess.stateOf(next.out, NAME));
        assertTrue("the quarantine is still named: " + next, next.out.contains("quarantined: it tried to keep a "
                + "thread that starts or stops plugins"));
        assertTrue("and the container is ready: " + next, next.out.contains("Carehost container: OK ready"));
        assertTrue("the sample beside it starts: " + next, next.out.matches("(?s).*org\\.carehost\\.sample\\.hello\\s+"
                + "\\S+\\s+ACTIVE.*"));
    }

    /**
     * The plugin whose code holds the thread answers for it, not the plugin whose start it holds: a service listener
     * that never returns, told of the service a plugin an operator installs registers as it starts, holds that start.
     * The listener's plugin is reported and quarantined; the other one is not, and runs at the next start.
     */
    @Test
    public void aListenerThatHoldsAnotherPluginsStartIsTheOneQuarantined() throws Exception {
        String listens = "org.carehost.fixture.evil.listens.forever";
        String greeter = "org.carehost.fixture.greeter";
        Path home = freshHome("held-listener");
        Files.delete(home.resolve("deploy/hello.jar")); // its start would be held too, and which comes first varies
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.carehost.plugins.cfg"), "heldSeconds=3\n");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-listens-forever.jar"),
                home.resolve("deploy/listens.jar"));
        Path greeterJar = CarehostProcess.BUNDLES.resolve("carehost-fixture-greeter-v1.jar");

        Run held = script(home, JAVA, "plugin:install " + greeterJar + "\n");
        assertTrue("its listener ran on the install's thread: " + held,
                held.err.contains("EVIL-LISTENS-FOREVER holding carehost-lifecycle-" + greeter));
        assertTrue("the install answers: " + held, held.err.contains("did not finish starting within 3 s"));
        assertTrue("the listener's plugin is reported, with its frame and the start it holds: " + held,
                held.err.contains("Plugin " + listens + " 1.0.0 FAILED: its code (org.carehost.fixture.evil."
                        + "listensforever.ListensForever.serviceChanged(") && held.err.contains("holding the start or "
                        + "stop of plugin " + greeter));
        assertFalse("the plugin whose start it held is not: " + held, held.err.contains("Plugin " + greeter
                + " 1.0.0 FAILED"));
        assertTrue("the stop names the holder: " + held, held.err.contains("plugin " + listens + " holds a container "
                + "thread"));
        assertEquals(held.toString(), 4, held.exit);

        Run next = script(home, JAVA, "plugin:list\n");
        assertEquals("the next start is clean: " + next, 0, next.exit);
        assertEquals(next.toString(), "RESOLVED", CarehostProcess.stateOf(next.out, listens));
        assertEquals(next.toString(), "ACTIVE", CarehostProcess.stateOf(next.out, greeter));
    }
}
