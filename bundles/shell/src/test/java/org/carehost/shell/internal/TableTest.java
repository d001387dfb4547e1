package org.carehost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAlignToTheWidestCellAndLinesHaveNoTrailingBlanks() {
        String table = new Table("ID", "NAME", "STATE")
                .row(7, "org.example.long.name", "ACTIVE")
                .row(12, "x", "")
                .toString();
        assertEquals(""
                + "ID  NAME                   STATE\n"
                + "7   org.example.long.name  ACTIVE\n"
                + "12  x\n", table);
    }

    @Test
    void newlinesInACellCannotBreakTheLayout() {
        String table = new Table("A", "B").row("one\ntwo", "three").toString();
        assertEquals("A        B\none two  three\n", table);
    }

    @Test
    void escapeSequencesFromAPluginAreShownNotActedOn() {
        // a plugin's name with a cursor move and an OSC 52 clipboard write, a C1 CSI, and a right-to-left override
        String table = new Table("NAME").row("com.vendor.x\u001b[1A\u001b]52;c;Y3VybA==\u0007\u009b2K\u202egnp.exe").toString();
        assertEquals("NAME\ncom.vendor.x\\u001B[1A\\u001B]52;c;Y3VybA==\\u0007\\u009B2K\\u202Egnp.exe\n", table);
        assertEquals("line one\nline\ttwo\r\n", Text.printable("line one\nline\ttwo\r\n"), "layout characters stay");
        assertEquals("granted\\u000Drefused", Text.printable("granted\rrefused"), "a lone carriage return rewrites a line");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
