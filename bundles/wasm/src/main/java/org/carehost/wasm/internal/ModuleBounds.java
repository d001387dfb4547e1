package org.carehost.wasm.internal;

/**
 * Bounds a WebAssembly module is held to before Chicory parses it: its size, and the locals its functions declare.
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

    private static final int CODE_SECTION = 10;

    private ModuleBounds() {
    }

    /** What exceeds a bound, or null. */
    static String problem(byte[] module) {
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
            if (id == CODE_SECTION) {
                return locals(new Reader(module, start, (int) (start + size)));
            }
            in.position = (int) (start + size);
        }
        return null;
    }

    private static String locals(Reader in) {
        long functions = in.u32();
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
