package org.carehost.wasm.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.TableSection;

/**
 * Bounds a parsed module's tables and memories are held to before an instance is made. Chicory makes every table with
 * its declared minimum size at once, and {@code table.grow} adds up to its declared maximum (none: without end), on
 * the heap, outside the memory-pages limit: a 540-byte module with 74 tables of 10,000,000 entries had the container
 * stop for a full heap, at every start while the file stayed in {@code deploy/} (red team 17), and the heap watchdog
 * blamed no plugin, since the container makes the instance. A module may have at most {@value #MAX_TABLE_ENTRIES}
 * table entries in all (a compiled application's function table has hundreds to thousands), counting each table's
 * maximum when its code grows tables, and one memory (the one the memory-pages limit bounds). Written here: Chicory has
 * no such bound.
 */
final class ModuleTables {

    /** Table entries of all tables of a module at most (about 16 bytes each in Chicory: 1.6 MB). */
    static final long MAX_TABLE_ENTRIES = 100_000;

    private ModuleTables() {
    }

    /** What exceeds a bound, or null. */
    static String problem(WasmModule module) {
        int memories = module.memorySection().map(section -> section.memoryCount()).orElse(0);
        if (memories > 1) {
            return "it declares " + memories + " memories; a plugin's module has one, which the memory-pages limit "
                    + "bounds";
        }
        TableSection tables = module.tableSection();
        int count = tables == null ? 0 : tables.tableCount();
        if (count == 0) {
            return null;
        }
        boolean grows = grows(module);
        long entries = 0;
        for (int i = 0; i < count; i++) {
            TableLimits limits = tables.getTable(i).limits();
            long most = grows ? limits.max() : limits.min();
            if (most < 0 || most > MAX_TABLE_ENTRIES) {
                return "its table " + i + " may hold " + (grows && limits.max() >= TableLimits.LIMIT_MAX
                        ? "entries without end (its code grows tables, and it declares no maximum)"
                        : most + " entries") + ", over the " + MAX_TABLE_ENTRIES + " a module's tables may hold in all";
            }
            entries += most;
            if (entries > MAX_TABLE_ENTRIES) {
                return "its " + count + " tables " + (grows ? "may grow to " : "start with ") + entries + " entries or "
                        + "more, over the " + MAX_TABLE_ENTRIES + " a module's tables may hold in all";
            }
        }
        return null;
    }

    /** Whether any function of the module grows a table. */
    private static boolean grows(WasmModule module) {
        if (module.codeSection() == null) {
            return false;
        }
        for (FunctionBody body : module.codeSection().functionBodies()) {
            for (Instruction instruction : body.instructions()) {
                if (instruction.opcode() == OpCode.TABLE_GROW) {
                    return true;
                }
            }
        }
        return false;
    }
}
