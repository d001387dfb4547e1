package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.script;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.carehost.itest.CarehostProcess.Run;
import org.junit.Test;

/** Gogo's own commands (gogo:cat, gogo:ls, gogo:nano, ...) fail as the container's commands do. */
public class GogoBuiltinsIT {

    /**
     * A failed built-in fails the script (exit status 1) with one {@code Error: <line>: <why>} line. Before (tryout 16
     * #8), Gogo printed "cat: java.io.FileNotFoundException: ..." itself and the command counted as a success (status
     * 0); {@code gogo:nano} printed a NullPointerException about a missing terminal.
     */
    @Test
    public void aFailedBuiltinFailsTheScriptWithOneErrorLine() throws Exception {
        Path home = freshHomeOnOwnPorts("gogo-builtins");
        Run run = script(home, CarehostProcess.thisJava(), "gogo:cat no-such-file\ngogo:nano x\ngogo:echo still-runs\n");
        assertEquals(run.toString(), 1, run.exit);
        List<String> errors = run.err.lines().filter(line -> line.contains("gogo:cat")).toList();
        assertEquals(run.toString(), 1, errors.size());
        assertTrue(run.toString(), errors.get(0).startsWith("Error: gogo:cat no-such-file: ")
                && errors.get(0).contains("no-such-file (No such file or directory)"));
        assertTrue(run.toString(), run.err.contains("Error: gogo:nano x: gogo:nano needs a full-screen terminal"));
        assertFalse(run.toString(), run.err.contains("Exception") || run.err.contains("ERROR"));
        assertTrue("the lines after a failed one still run: " + run, run.out.contains("still-runs"));
    }
}
