package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

/**
 * Red team 19: a plugin with no permission interrupted, in its activator, the thread it runs on: the container's deploy
 * watcher (Felix FileInstall), which ends at an interrupt. No jar dropped, replaced or removed afterwards was acted on
 * until a restart, and readiness stayed down; the same from a service listener, which runs on the thread of whoever
 * registers a service (another plugin's start, on the watcher). Nothing is refused: when the framework's call into the
 * plugin returns, the thread is given back as the call found it (not interrupted, its name, context class loader and
 * priority), so the jars dropped afterwards are installed and started, and the listener finds the watcher's thread as
 * it was each time.
 */
public class ContainerThreadInterruptIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.interrupts.thread";

    @Test
    public void aPluginsCodeGivesTheContainersThreadBackAsItFoundIt() throws Exception {
        Path home = freshHome("interrupts");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-interrupts-thread.jar"),
                home.resolve("deploy/interrupts.jar"));
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava());
        CarehostProcess.Run run;
        try {
            awaitFile(process, home.resolve("stderr.txt"), "INTERRUPT futuretask");
            // dropped after the attack: the watcher must still be there to install them; each registers a service,
            // and the attacker's listener runs on the watcher's thread as it does
            Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-greeter-v1.jar"),
                    home.resolve("deploy/greeter.jar"));
            awaitStarted(process, home, "org.carehost.fixture.greeter 1.0.0");
            Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-scheduled-worker.jar"),
                    home.resolve("deploy/worker.jar"));
            awaitStarted(process, home, "org.carehost.fixture.scheduledworker");
            // the plugin's command's text interrupts and renames the script's thread as the console reads it
            run = CarehostProcess.finish(process, home, "spoil:text\ncarehost:status\nplugin:list\n");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(run.toString(), 0, run.exit);
        assertTrue("the attack ran, and was not refused: " + run, run.err.contains("INTERRUPT activator done")
                && run.err.contains("INTERRUPT constructor done"));
        assertTrue("the listener ran on the watcher's thread for the plugins dropped afterwards: " + run,
                run.err.contains("LISTENER found 'fileinstall-deploy' interrupted=false loader=not mine priority=5"));
        assertFalse("never on a thread it had spoilt: " + run, run.err.contains("LISTENER found 'spoilt-by-"));
        String log = Files.readString(home.resolve("data/log/carehost.log"));
        assertFalse("no container code met the plugin's interrupt after its call returned (SCR's wait did, before): "
                + log, log.contains("InterruptedException") || log.contains("has been interrupted"));
        assertTrue("the plugin's text was printed: " + run, run.out.startsWith("SPOILT TEXT"));
        assertTrue("then ready (the deploy folder settled), the script's thread not interrupted: " + run,
                run.out.contains("SPOILT TEXT" + System.lineSeparator() + "ready"));
        assertEquals("the jar dropped afterwards was installed and started: " + run, "ACTIVE",
                CarehostProcess.stateOf(run.out, "org.carehost.fixture.greeter"));
        assertEquals("and the next one: " + run, "ACTIVE",
                CarehostProcess.stateOf(run.out, "org.carehost.fixture.scheduledworker"));
        assertEquals("the attacker runs on, nothing refused: " + run, "ACTIVE", CarehostProcess.stateOf(run.out, PLUGIN));
    }

    /**
     * The same through a service property of the plugin's own class: when the deploy watcher removes the plugin, the
     * framework unregisters its services on the watcher's thread and matches the plugin's listener's filter against that
     * property, which makes one of the plugin's objects from the filter's text (its constructor spoils the thread). The
     * thread is given back when the event has been sent, so a plugin dropped afterwards is installed and started.
     */
    @Test
    public void aServicePropertyOfAPluginsOwnClassGivesTheWatcherBackWhenThePluginIsRemoved() throws Exception {
        Path home = freshHome("interrupts-property");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-interrupts-thread.jar"),
                home.resolve("deploy/interrupts.jar"));
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava());
        CarehostProcess.Run run;
        try {
            awaitFile(process, home.resolve("stderr.txt"), "INTERRUPT futuretask");
            Files.delete(home.resolve("deploy/interrupts.jar"));
            awaitFile(process, home.resolve("stderr.txt"), "SPOILER coerced on 'fileinstall-deploy'");
            Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-greeter-v1.jar"),
                    home.resolve("deploy/greeter.jar"));
            awaitStarted(process, home, "org.carehost.fixture.greeter 1.0.0");
            run = CarehostProcess.finish(process, home, "carehost:status\nplugin:list\n");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(run.toString(), 0, run.exit);
        assertTrue("ready: " + run, run.out.startsWith("ready"));
        assertEquals("the jar dropped afterwards was installed and started: " + run, "ACTIVE",
                CarehostProcess.stateOf(run.out, "org.carehost.fixture.greeter"));
        assertFalse("the attacker is gone: " + run, run.out.contains(PLUGIN));
        String log = Files.readString(home.resolve("data/log/carehost.log"));
        assertFalse("no container code met the plugin's interrupt: " + log, log.contains("InterruptedException")
                || log.contains("has been interrupted"));
    }

    private static void awaitStarted(Process process, Path home, String plugin) throws Exception {
        Path log = home.resolve("data/log/carehost.log");
        long deadline = System.currentTimeMillis() + 120_000;
        while (!(Files.exists(log) && Files.readString(log).lines().anyMatch(line -> line.contains("Plugin " + plugin)
                && line.endsWith(" STARTED")))) {
            assertTrue(plugin + " dropped after the attack was not started (process alive: " + process.isAlive() + ")",
                    System.currentTimeMillis() < deadline && process.isAlive());
            Thread.sleep(50);
        }
    }
}
