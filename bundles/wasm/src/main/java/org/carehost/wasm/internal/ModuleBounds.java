package org.carehost.wasm.internal;

/**
 * Bounds a WebAssembly module is held to before Chicory parses it: its size, the entries its sections and function
 * types claim (no more than their bytes), and the locals its functions declare.
 * Chicory's parser bounds each group of a function's locals (50,000) but not their sum: a 200 KB module declaring
 * 50,000 groups of 50,000 locals made it fill the heap for a minute (red team), at every start while the file stayed
 * in {@code deploy/}. The locals are counted here from the binary format's code section (section 10: a vector of
 * function bodies, each its size in bytes, then a vector of (count, type) groups), before anything is built. Written
 * here rather than asked of the library, which has no such bound; a module this reader cannot follow is left to the
 * parser, which says what is malformed.
 */
final class ModuleBounds {

    /** The largest module: 64 MiB (a large compiled application is a few MiB). */
    static final int MAX_BYTES = 64 << 20;
    /** A function's locals at most: the limit V8 and the other engines browsers ship apply. */
    static final long MAX_LOCALS_PER_FUNCTION = 50_000;
    /** The locals of all functions at most. */
    static final long MAX_LOCALS = 4_000_000;

    private static final int TYPE_SECTION = 1;
    private static final int FUNCTION_TYPE = 0x60;
    private static final int RECURSIVE_TYPES = 0x4E;
    private static final int REF = 0x64;
    private static final int REF_NULL = 0x63;
    /** The one section among 1 to 11 that is no vector: the start function's index. */
    private static final int START_SECTION = 8;
    private static final int CODE_SECTION = 10;

    private ModuleBounds() {
    }

    /**
     * The heap Chicory's parser keeps per byte of a code section, at most: each instruction becomes objects of its own
     * (53 bytes retained per one-byte {@code nop}, measured on JDK 17 with a module of 1,000,000 of them), and an
     * instruction is at least a byte. Red team 19's 60 MB module of {@code nop}s, within the size bound, filled a 6 GB
     * heap as it was parsed, at every start while it stayed in {@code deploy/}.
     */
    static final long PARSED_HEAP_PER_CODE_BYTE = 64;

    /** What exceeds a bound, or null; the code section is held to a quarter of this JVM's heap once parsed. */
    static String problem(byte[] module) {
        return problem(module, Runtime.getRuntime().maxMemory());
    }

    /** What exceeds a bound, or null, for a JVM whose heap may grow to {@code maxHeap} bytes. */
    static String problem(byte[] module, long maxHeap) {
        if (module.length > MAX_BYTES) {
            return "it is larger than " + (MAX_BYTES >> 20) + " MiB";
        }
        if (module.length < 8 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            return null; // not a module: the parser says so
        }
        Reader in = new Reader(module, 8, module.length);
        while (in.more()) {
            int id = in.u8();
            long size = in.u32();
            int start = in.position;
            if (id < 0 || size < 0 || start + size > module.length) {
                return null;
            }
            if (id == CODE_SECTION && size * PARSED_HEAP_PER_CODE_BYTE > maxHeap / 4) {
                return "its code (" + mib(size) + " MiB) would take up to " + mib(size * PARSED_HEAP_PER_CODE_BYTE)
                        + " MiB of the heap once parsed (every instruction is made an object), more than a quarter of "
                        + "the container's heap (" + mib(maxHeap) + " MiB)";
            }
            Reader section = new Reader(module, start, (int) (start + size));
            String problem = id == CODE_SECTION ? locals(section)
                    : id == TYPE_SECTION ? types(section)
                    : id >= 1 && id <= 11 && id != START_SECTION ? vector(section, id) : null;
            if (problem != null) {
                return problem;
            }
            in.position = (int) (start + size);
        }
        return null;
    }

    /** The size in bytes of the module's code section (0 when it has none, or is no module this reader follows). */
    static long codeBytes(byte[] module) {
        if (module.length < 8 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            return 0;
        }
        Reader in = new Reader(module, 8, module.length);
        while (in.more()) {
            int id = in.u8();
            long size = in.u32();
            if (id < 0 || size < 0 || in.position + size > module.length) {
                return 0;
            }
            if (id == CODE_SECTION) {
                return size;
            }
            in.position = (int) (in.position + size);
        }
        return 0;
    }

    static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /**
     * A section that is a vector (1 to 11 but the start section) has no more elements than bytes: the parser sizes what
     * it makes by the count the file gives (a 33-byte module's count of 2^31 - 1 had it ask for an array the JVM
     * cannot make, an Error that stopped the deploy watcher's start).
     */
    private static String vector(Reader in, int id) {
        long count = in.u32();
        return count > in.end - in.position ? "section " + id + " claims " + count + " entries in "
                + (in.end - in.position) + " bytes" : null;
    }

    /**
     * Each function type's parameters and results, no more than the bytes left (the parser sizes an array by each
     * count), and a recursive group's types. The GC proposal's other forms end the check (left to the parser).
     */
    private static String types(Reader in) {
        long types = in.u32();
        if (types > in.end - in.position) {
            return "section " + TYPE_SECTION + " claims " + types + " entries in " + (in.end - in.position) + " bytes";
        }
        for (long t = 0; t < types && in.more(); t++) {
            int form = in.u8();
            if (form == RECURSIVE_TYPES) {
                long count = in.u32();
                return count > in.end - in.position ? "type " + t + " claims " + count + " entries" : null;
            }
            if (form != FUNCTION_TYPE) {
                return null; // the GC proposal's other forms: left to the parser
            }
            for (String what : new String[] {"parameters", "results"}) {
                long count = in.u32();
                if (count < 0 || count > in.end - in.position) {
                    return count < 0 ? null : "type " + t + " claims " + count + " " + what + " in "
                            + (in.end - in.position) + " bytes";
                }
                for (long v = 0; v < count; v++) {
                    int type = in.u8();
                    if (type == REF || type == REF_NULL) {
                        in.u32(); // its heap type
                    }
                }
            }
        }
        return null;
    }

    private static String locals(Reader in) {
        long functions = in.u32();
        if (functions > in.end - in.position) {
            return "section " + CODE_SECTION + " claims " + functions + " entries in " + (in.end - in.position)
                    + " bytes";
        }
        long total = 0;
        for (long f = 0; f < functions && in.more(); f++) {
            long bodySize = in.u32();
            int bodyStart = in.position;
            if (bodySize < 0 || bodyStart + bodySize > in.end) {
                return null;
            }
            long groups = in.u32();
            long declared = 0;
            for (long g = 0; g < groups && in.position < bodyStart + bodySize; g++) {
                long count = in.u32();
                if (count < 0) {
                    return null;
                }
                declared += count;
                if (declared > MAX_LOCALS_PER_FUNCTION) {
                    return "function " + f + " declares more than " + MAX_LOCALS_PER_FUNCTION + " locals";
                }
                in.u8(); // the locals' type (a value type: one byte)
            }
            total += declared;
            if (total > MAX_LOCALS) {
                return "its functions declare more than " + MAX_LOCALS + " locals";
            }
            in.position = (int) (bodyStart + bodySize);
        }
        return null;
    }

    /** LEB128 and bytes, reading nothing past {@code end}: past it, reads answer -1. */
    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int position;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean more() {
            return position < end;
        }

        int u8() {
            return position < end ? bytes[position++] & 0xFF : -1;
        }

        long u32() {
            long value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                if (b < 0) {
                    return -1;
                }
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            return -1;
        }
    }
}
