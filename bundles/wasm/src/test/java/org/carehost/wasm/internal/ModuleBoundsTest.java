package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

class ModuleBoundsTest {

    @Test
    void aFunctionsLocalsAreCountedAcrossItsGroups() {
        // the red team's module in small: two groups of 50,000 i32 locals (Chicory bounds each group, not the sum)
        assertEquals("function 0 declares more than 50000 locals",
                ModuleBounds.problem(module(1, new long[] {50_000, 50_000})));
        assertNull(ModuleBounds.problem(module(1, new long[] {10, 20})));
    }

    @Test
    void theModulesLocalsAreCountedAcrossItsFunctions() {
        assertEquals("its functions declare more than 4000000 locals",
                ModuleBounds.problem(module(81, new long[] {50_000})));
        assertNull(ModuleBounds.problem(module(80, new long[] {50_000})));
    }

    @Test
    void countsMayNotExceedTheBytesThatFollow() {
        // red team: one function type with 2^31 - 1 parameters, 33 bytes; the parser asked for an array that size
        byte[] types = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 7, 1, 0x60, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, 0x07};
        assertEquals("type 0 claims 2147483647 parameters in 0 bytes", ModuleBounds.problem(types));
        byte[] imports = {0, 'a', 's', 'm', 1, 0, 0, 0, 2, 5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        assertEquals("section 2 claims 2147483647 entries in 0 bytes", ModuleBounds.problem(imports));
        byte[] fine = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 6, 1, 0x60, 2, 0x7F, 0x7F, 0};
        assertNull(ModuleBounds.problem(fine));
        // the start section is an index, not a count: function 5 is a fine start function
        byte[] start = {0, 'a', 's', 'm', 1, 0, 0, 0, 8, 1, 5};
        assertNull(ModuleBounds.problem(start));
    }

    @Test
    void theCodeMayTakeAQuarterOfTheHeapOnceParsed() {
        // red team 19: 60 MB of nops filled a 6 GB heap as they were parsed; here 80 functions' bodies, about 2.6 KB
        byte[] module = module(80, new long[] {50_000});
        long code = module.length - 8 - 1 - 2; // less the header, the section's id and its size
        long enough = code * ModuleBounds.PARSED_HEAP_PER_CODE_BYTE * 4;
        assertNull(ModuleBounds.problem(module, enough));
        String problem = ModuleBounds.problem(module, enough - 4);
        assertEquals("its code (1 MiB) would take up to 1 MiB of the heap once parsed (every instruction is made an "
                + "object), more than a quarter of the container's heap (1 MiB)", problem);
    }

    @Test
    void theCodeSectionsSizeIsRead() {
        byte[] module = module(80, new long[] {50_000});
        assertEquals(module.length - 8 - 1 - 2, ModuleBounds.codeBytes(module));
        assertEquals(0, ModuleBounds.codeBytes("hello".getBytes()));
        assertEquals(0, ModuleBounds.codeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0}));
    }

    @Test
    void whatIsNoModuleIsLeftToTheParser() {
        assertNull(ModuleBounds.problem("hello".getBytes()));
        assertNull(ModuleBounds.problem(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 10, (byte) 0xFF}));
    }

    /** A module with only a code section: {@code functions} bodies, each declaring {@code groups} of i32 locals. */
    private static byte[] module(int functions, long[] groups) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        leb(body, groups.length);
        for (long count : groups) {
            leb(body, count);
            body.write(0x7F); // i32
        }
        body.write(0x0B); // end
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        leb(code, functions);
        for (int f = 0; f < functions; f++) {
            leb(code, body.size());
            code.writeBytes(body.toByteArray());
        }
        ByteArrayOutputStream module = new ByteArrayOutputStream();
        module.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        module.write(10);
        leb(module, code.size());
        module.writeBytes(code.toByteArray());
        return module.toByteArray();
    }

    private static void leb(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7F);
            value >>>= 7;
            out.write(value == 0 ? b : b | 0x80);
        } while (value != 0);
    }
}
