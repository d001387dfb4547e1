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
 * A plugin fragment whose Fragment-Host names a container bundle (here ch.qos.logback.classic), through the real
 * carehost.jar. The fixture lists a Logback {@code Configurator} in its META-INF/services that writes
 * {@value #MARKER} in the working directory: attached to Logback, it would run as container code.
 */
public class ContainerFragmentsIT {

    private static final String JAVA = CarehostProcess.thisJava();
    private static final String FIXTURE = "carehost-fixture-evil-logback-fragment.jar";
    private static final String NAME = "org.carehost.fixture.evil.logback";
    /** The fixture's Configurator writes this file (relative: in the container's working directory). */
    private static final String MARKER = "logback-hijacked.txt";
    private static final String REASON =
            "a fragment of the container bundle ch.qos.logback.classic: plugins may not attach to the container";

    /**
     * In deploy/ at a first start: the deploy watcher installed it and refreshed its host, Logback, which reached
     * Config Admin and the watcher itself: a deadlock, and the script never ran. Now the jar is never installed (so
     * nothing of the container is refreshed for it) and plugin:why names the reason.
     */
    @Test
    public void aFragmentOfAContainerBundleInTheDeployFolderIsNotInstalled() throws Exception {
        Path home = freshHome("container-fragment-deploy");
        Files.copy(CarehostProcess.BUNDLES.resolve(FIXTURE), home.resolve("deploy/hijack.jar"));
        Run run = script(home, JAVA, "plugin:list\nplugin:why hijack.jar\nlb\n");
        assertEquals("the piped script ran to its end: " + run, 0, run.exit);
        assertTrue("the sample beside it is a plugin: " + run, run.out.contains("org.carehost.sample.hello"));
        assertTrue("plugin:why names the reason: " + run, run.out.contains("deploy/hijack.jar is not installed")
                && run.out.contains(REASON));
        assertFalse("the fragment was never installed, so no bundle was refreshed for it: " + run,
                run.out.contains(NAME));
        assertFalse("nothing of it ran", Files.exists(home.resolve(MARKER)));
    }

    /**
     * Installed by plugin:install (the security manager keeps it from attaching), then a warm start: the framework
     * resolves Logback at start level 10, before the security manager; the launcher's resolver hook keeps the fragment
     * off it from the first resolve on. Before it, the marker was written at the second start.
     */
    @Test
    public void aFragmentOfAContainerBundleStaysDetachedAtAWarmStart() throws Exception {
        Path home = freshHome("container-fragment-warm");
        Path jar = CarehostProcess.BUNDLES.resolve(FIXTURE).toAbsolutePath();
        Run first = script(home, JAVA, "plugin:install " + jar + "\n");
        assertTrue("plugin:install installed it, unstarted: " + first, first.err.contains("Installed as plugin")
                && first.err.contains("fragment of the container bundle ch.qos.logback.classic"));
        assertFalse("not attached at the first start: " + first, Files.exists(home.resolve(MARKER)));

        Run warm = script(home, JAVA, "plugin:list\nplugin:why " + NAME + "\n");
        assertFalse("Logback did not run the fragment's Configurator: " + warm, Files.exists(home.resolve(MARKER)));
        assertEquals("the warm start ran the script to its end: " + warm, 0, warm.exit);
        assertEquals("the fragment is not attached: " + warm, "INSTALLED", CarehostProcess.stateOf(warm.out, NAME));
    }
}
