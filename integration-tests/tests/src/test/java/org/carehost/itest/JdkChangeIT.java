package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.BUNDLES;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.idOf;
import static org.carehost.itest.CarehostProcess.script;
import static org.carehost.itest.CarehostProcess.stateOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.experimental.categories.Category;

/**
 * One working directory run on two JDKs in turn: the build's (JDK 17) and JDK 25. Run by the failsafe execution
 * on the JDK 25 toolchain (see the pom), so JDK 25 is this JVM's own; the build's comes as
 * {@code carehost.build.java.home}.
 */
@Category(OnJdk25.class)
public class JdkChangeIT {

    private static final String JAVA_25 = CarehostProcess.thisJava();
    private static final String JAVA_BUILD = CarehostProcess.javaIn(System.getProperty("carehost.build.java.home"));

    @BeforeClass
    public static void runsOnJdk25BesideTheBuildJdk() {
        assertEquals("run by the JDK 25 toolchain execution", 25, Runtime.version().feature());
        assertNotEquals("the build JDK is another one", System.getProperty("java.home"),
                System.getProperty("carehost.build.java.home"));
    }

    @Test
    public void pluginsAndTheirStatesSurviveRestartsAndAJdkChange() throws Exception {
        Path home = freshHome("restart");
        String greeter = BUNDLES.resolve("carehost-fixture-greeter-v1.jar").toString();
        Run first = script(home, JAVA_BUILD, "plugin:install " + greeter + "\nplugin:stop org.carehost.sample.hello\nplugin:list\n");
        assertEquals(first.toString(), 0, first.exit);
        long greeterId = idOf(first.out, "org.carehost.fixture.greeter");
        long helloId = idOf(first.out, "org.carehost.sample.hello");

        for (String java : new String[] {JAVA_BUILD, JAVA_25}) {
            Run again = script(home, java, "plugin:list\n");
            assertEquals(again.toString(), 0, again.exit);
            assertEquals("not reinstalled: " + again, greeterId, idOf(again.out, "org.carehost.fixture.greeter"));
            assertEquals("not reinstalled: " + again, helloId, idOf(again.out, "org.carehost.sample.hello"));
            assertEquals(again.toString(), "ACTIVE", stateOf(again.out, "org.carehost.fixture.greeter"));
            assertEquals("a stopped plugin stays stopped: " + again, "RESOLVED", stateOf(again.out, "org.carehost.sample.hello"));
            // tryout 16 #18: JDK 25 warned in four lines at every start that Felix's SecureAction calls sun.misc.Unsafe
            assertFalse("no JVM warning on the console: " + again, again.err.contains("WARNING"));
        }
    }

    @Test
    public void aRefusedPluginStaysRefusedAcrossRestartsUntilGranted() throws Exception {
        Path home = freshHome("security");
        Files.copy(BUNDLES.resolve("carehost-fixture-evil-socket.jar"), home.resolve("deploy/socket.jar"));
        String plugin = "org.carehost.fixture.evil.socket";
        for (String java : new String[] {JAVA_BUILD, JAVA_BUILD, JAVA_25}) {
            Run run = script(home, java, "plugin:list\n");
            assertEquals(run.toString(), 0, run.exit);
            assertEquals("refused at every start, restarts included: " + run, "INSTALLED", stateOf(run.out, plugin));
            assertEquals(run.toString(), "ACTIVE", stateOf(run.out, "org.carehost.sample.hello"));
            assertTrue("the console says development mode at every start: " + run,
                    (run.out + run.err).contains("Security: DEVELOPMENT mode"));
        }
        Run why = script(home, JAVA_BUILD, "plugin:why " + plugin + "\nsecurity:denials 5\n");
        assertTrue(why.toString(), why.out.contains("java.net.ServerSocket.<init>"));
        assertTrue(why.toString(), why.out.contains("use:network (declared but not granted"));

        Run granted = script(home, JAVA_BUILD, "plugin:grant " + plugin + " use:network\nplugin:permissions " + plugin + "\n");
        assertEquals(granted.toString(), 0, granted.exit);
        assertTrue(granted.toString(), granted.out.contains("granted:  use:network"));
        assertTrue(Files.readString(home.resolve("etc/security/policy")).contains("grant plugin " + plugin + " use:network"));
        Run after = script(home, JAVA_25, "plugin:list\n");
        assertEquals("the grant is kept: " + after, "ACTIVE", stateOf(after.out, plugin));

        Run bad = script(home, JAVA_BUILD, "plugin:grant " + plugin + " use:everything\nplugin:grant org.carehost.sample.hello use:files\n");
        assertEquals(bad.toString(), 1, bad.exit);
        assertTrue(bad.toString(), bad.err.contains("Unknown permission 'use:everything'"));
        assertTrue(bad.toString(), bad.err.contains("does not declare use:files"));
    }
}
