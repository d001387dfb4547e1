package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.start;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;

/**
 * The console is the operator's: in script mode ({@code commands | java -jar carehost.jar}) standard input holds the
 * operator's command lines and standard output only their output. Two plugins in the deploy folder attack it as the
 * red team did: one with no grant (a thread of its activator forges a line on System.out and reads System.in), one
 * granted use:files (streams of its own on descriptors 1 and 0). Each is refused, with a denial on record, and the
 * operator's line still runs.
 */
public class ConsoleStreamsIT {

    private static final String JAVA = CarehostProcess.thisJava();

    @Test
    public void noPluginReadsTheOperatorsLinesOrWritesToTheConsole() throws Exception {
        Path home = freshHome("console-streams");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-reads-console.jar"),
                home.resolve("deploy/reads-console.jar"));
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-opens-descriptors.jar"),
                home.resolve("deploy/opens-descriptors.jar"));
        // granted as the red team's was, before the first start: it passes the scan and runs
        Files.createDirectories(home.resolve("etc/security"));
        Files.writeString(home.resolve("etc/security/policy"),
                "grant plugin org.carehost.fixture.evil.opens.descriptors use:files\n");
        Path log = home.resolve("data/log/carehost.log");
        Process process = start(home, JAVA);
        CarehostProcess.Run ended;
        try {
            // each plugin's read refused (a thief would be waiting in it for the operator's next line)
            awaitFile(process, log, "read the console's input (System.in)");
            awaitFile(process, log, "open a stream on the process's standard input (new FileInputStream");
            ended = CarehostProcess.finish(process, home, "echo OPERATOR-LINE-RAN\nsecurity:denials 20\n");
        } finally {
            process.destroyForcibly();
        }
        String out = ended.out;
        String err = ended.err;
        String run = ended.toString();
        assertEquals(run, 0, process.exitValue());
        assertTrue("the operator's line ran as a command (no plugin took it): " + run, out.contains("OPERATOR-LINE-RAN"));
        assertFalse("no plugin's line on standard output: " + run, out.contains("FORGED-BY-PLUGIN"));
        // a plugin's System.out.println passes (in script mode it reaches standard error); descriptor 1 does not
        for (String denial : new String[] {"read the console's input (System.in)", "open a stream on the process's standard output (new "
                + "FileOutputStream(FileDescriptor.out))", "open a stream on the process's standard input"}) {
            assertTrue("denied, and on record (security:denials): " + denial + "\n" + run, out.contains(denial));
        }
    }
}
