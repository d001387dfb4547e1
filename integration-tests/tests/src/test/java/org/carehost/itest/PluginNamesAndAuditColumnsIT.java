package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/** Smaller command surprises of tryout 16 (#20), through carehost.jar as an operator types them. */
public class PluginNamesAndAuditColumnsIT {

    /**
     * {@code plugin:info hello.jar} names the plugin by its deploy file, as {@code plugin:why} did (before: "No plugin
     * named 'hello.jar'"); {@code audit:query --plugin <name>} finds the plugin's lifecycle records, which the
     * container writes naming the plugin in the resource (before: "No results"); the audit tables show who acted (USER).
     */
    @Test
    public void aPluginIsNamedByItsFileAndTheAuditFindsItsLifecycleAndNamesTheUser() throws Exception {
        Path home = freshHomeOnOwnPorts("names-audit");
        Run run = script(home, CarehostProcess.thisJava(),
                "plugin:info hello.jar\naudit:query --plugin org.carehost.sample.hello\naudit:tail 5\n");
        assertEquals(run.toString(), 0, run.exit);
        assertTrue(run.toString(), run.out.contains("org.carehost.sample.hello"));
        assertTrue(run.toString(), run.out.contains("plugin.started"));
        String user = System.getProperty("user.name");
        assertTrue(run.toString(), run.out.lines().anyMatch(line -> line.startsWith("SEQ") && line.contains(" USER ")));
        assertTrue(run.toString(), run.out.lines().anyMatch(line -> line.contains("audit.query")
                && line.contains(" " + user + " ")));
    }
}
