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
    void aRowMustHaveOneCellPerColumn() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
    }
}
