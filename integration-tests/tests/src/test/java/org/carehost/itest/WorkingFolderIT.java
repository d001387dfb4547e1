package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/**
 * A working directory whose {@code etc} or {@code deploy} is a file (found trying it as an operator would): with
 * {@code etc} a file, the framework went on starting every bundle without a configuration folder, printed thousands of
 * lines with 73 exceptions and never exited; with {@code deploy} a file, the deploy watcher never started and the
 * script waited 60 s for readiness, then ran with a vague line. Now the start ends at once with one line naming the
 * file and status 5, and changes nothing. And what plugin:uninstall does to the deploy folder is said.
 */
public class WorkingFolderIT {

    private static final String JAVA = CarehostProcess.thisJava();

    @Test
    public void anEtcThatIsAFileEndsTheStartWithOneLine() throws Exception {
        assertRefused("etc");
    }

    @Test
    public void aDeployThatIsAFileEndsTheStartWithOneLine() throws Exception {
        assertRefused("deploy");
    }

    /** plugin:uninstall deletes a deploy-folder plugin's jar (else the watcher installs it again): it now says so. */
    /**
     * A {@code data} that is a file: the framework's launcher makes {@code data/cache} before any Carehost bundle runs,
     * and failed with its stack trace and status 127 (found trying it as an operator would); the agent, the first code
     * of {@code java -jar}, now says so in one line.
     */
    @Test
    public void aDataThatIsAFileEndsTheStartWithOneLine() throws Exception {
        assertRefused("data");
    }

    @Test
    public void uninstallingADeployFolderPluginSaysItsFileWasDeleted() throws Exception {
        Path home = CarehostProcess.freshHome("folder-uninstall");
        Run run = CarehostProcess.script(home, JAVA, "plugin:uninstall org.carehost.sample.hello\n");
        assertEquals(run.toString(), 0, run.exit);
        assertTrue(run.toString(), run.out.contains("uninstalled; state UNINSTALLED.")
                && run.out.contains("Its file hello.jar was deleted from the deploy folder"));
        assertFalse(Files.exists(home.resolve("deploy/hello.jar")));
    }

    private static void assertRefused(String folder) throws Exception {
        Path home = CarehostProcess.freshHome("folder-" + folder);
        if (Files.isDirectory(home.resolve(folder))) {
            try (java.util.stream.Stream<Path> entries = Files.list(home.resolve(folder))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Files.delete(entry);
                }
            }
            Files.delete(home.resolve(folder));
        }
        Files.writeString(home.resolve(folder), "not a folder\n");
        Run run = CarehostProcess.script(home, JAVA, "plugin:list\n");
        assertEquals(run.toString(), 5, run.exit);
        assertTrue(run.toString(), run.err.contains("carehost: cannot use the folder ")
                && run.err.contains(folder + " is a file, not a folder"));
        assertFalse("no stack trace: " + run, run.err.contains("\tat ") || run.out.contains("\tat "));
        assertEquals("nothing on standard output: " + run, "", run.out.strip());
        assertEquals("the file is left as it was", "not a folder\n", Files.readString(home.resolve(folder)));
    }
}
