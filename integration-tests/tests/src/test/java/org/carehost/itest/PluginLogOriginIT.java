package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/**
 * A plugin's log lines cannot pass for the container's own: the evil-forges-log fixture logs the security manager's
 * grant line, under its logger name and from a thread named as the framework's, through SLF4J, java.util.logging and
 * the OSGi Log Service. Each line carries {@code plugin <its symbolic name>: } right after the level, on the console (standard error) and in
 * data/log/carehost.log, where nothing the plugin names comes before it; the container's WARN carries none.
 */
public class PluginLogOriginIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.forges.log";
    private static final String FORGED = "Security: operator admin granted plugin x use:files (forged)";

    @Test
    public void aPluginsLinesNameThePluginOnTheConsoleAndInTheFile() throws Exception {
        Path home = freshHome("log-origin");
        Files.copy(CarehostProcess.BUNDLES.resolve("carehost-fixture-evil-forges-log.jar"),
                home.resolve("deploy/forges-log.jar"));
        Files.createDirectories(home.resolve("etc"));
        // listeners on ports of their own: the default ports may be another process's on this machine (an ERROR line)
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "port=0\n");
        Files.writeString(home.resolve("etc/org.carehost.http.listener.cfg"), "port=" + LoopbackPorts.free() + "\n");

        Run run = script(home, CarehostProcess.thisJava(), "plugin:list\n");
        assertEquals(run.toString(), 0, run.exit);
        assertTrue("the fixture started (its lines are written when it has): " + run,
                run.out.matches("(?s).*" + PLUGIN.replace(".", "\\.") + "\\s+\\S+\\s+ACTIVE.*"));

        String label = "plugin " + PLUGIN + ": ";
        List<String> console = run.err.lines().toList();
        for (String through : new String[] {"slf4j", "jul", "logservice"}) {
            List<String> forged = console.stream().filter(line -> line.contains(FORGED + " " + through)).toList();
            assertEquals(run.toString(), 1, forged.size());
            assertEquals(run.toString(), "WARN  " + label + FORGED + " " + through, forged.get(0).substring(9));
        }
        assertTrue("the container's WARN has no label: " + run, console.stream()
                .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d WARN  Security: DEVELOPMENT mode\\..*")));

        List<String> file = Files.readAllLines(home.resolve("data/log/carehost.log"));
        String all = String.join("\n", file);
        for (String through : new String[] {"slf4j", "jul", "logservice"}) {
            List<String> forged = file.stream().filter(line -> line.contains(FORGED + " " + through)).toList();
            assertEquals(all, 1, forged.size());
            assertTrue(all, forged.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\S+ WARN  " + label.replace(".", "\\.")
                    + "\\[FelixStartLevel\\] o\\.c\\.s\\.internal\\.SecurityManagerImpl - " + java.util.regex.Pattern
                    .quote(FORGED + " " + through)));
        }
        assertTrue("the container's WARN has no label: " + all, file.stream().anyMatch(line -> line.matches(
                "\\d{4}-\\d\\d-\\d\\d \\S+ WARN  \\[FelixStartLevel\\] o\\.c\\.s\\.internal\\.SecurityManagerImpl"
                        + " - Security: DEVELOPMENT mode\\..*")));
        assertTrue("a Log Service logger for another bundle is refused: " + run, run.err.contains("denied at run time: "
                + "log as bundle org.apache.felix.framework, which is not itself"));
        assertTrue("nothing logged as the framework's: " + all, !all.contains(FORGED + " as-framework")
                && !run.err.contains(FORGED + " as-framework"));
        assertTrue("no container line is labelled: " + all, file.stream().filter(line -> line.contains("plugin "
                + PLUGIN + ":")).allMatch(line -> line.contains("(forged)")));
    }
}
