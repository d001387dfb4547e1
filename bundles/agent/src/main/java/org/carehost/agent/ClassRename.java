package org.carehost.agent;

import java.nio.charset.StandardCharsets;

/**
 * Renames a class in its own class file by rewriting the constant pool only: each UTF-8 entry that is the class's
 * internal name, and each occurrence of its descriptor ({@code Lname;}) inside another entry (method and field
 * descriptors, signatures), gets the new name; everything after the pool is copied as it is, since it refers to the pool
 * by index only. This is what ASM's {@code ClassRemapper} did for the gate, without running ASM before {@code main}
 * (its first, cold run cost the start tens of milliseconds). Only for a class that refers to no nested class of its own
 * by name and whose string constants do not name it (the gate: {@code ClassRenameTest} compares the result with ASM's).
 * Works on the bytes (the names are ASCII, which modified UTF-8 stores as they are) and without string concatenation,
 * whose first use would bootstrap {@code StringConcatFactory} before {@code main}.
 */
final class ClassRename {

    private ClassRename() {
    }

    /**
     * @param bytes the class file
     * @param from the class's internal name ({@code org/carehost/agent/boot/Gate}), ASCII
     * @param to its new internal name, ASCII
     * @throws IllegalArgumentException if {@code bytes} is not a whole class file
     */
    static byte[] rename(byte[] bytes, String from, String to) {
        byte[] name = from.getBytes(StandardCharsets.US_ASCII);
        byte[] renamed = to.getBytes(StandardCharsets.US_ASCII);
        byte[] descriptor = new StringBuilder(name.length + 2).append('L').append(from).append(';').toString()
                .getBytes(StandardCharsets.US_ASCII);
        byte[] newDescriptor = new StringBuilder(renamed.length + 2).append('L').append(to).append(';').toString()
                .getBytes(StandardCharsets.US_ASCII);
        try {
            if (u4(bytes, 0) != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file (no 0xCAFEBABE at its start)");
            }
            Out out = new Out(bytes.length + 256);
            out.write(bytes, 0, 10); // magic, version, constant pool count
            int count = u2(bytes, 8);
            int at = 10;
            for (int i = 1; i < count; i++) {
                int tag = bytes[at] & 0xFF;
                int size;
                switch (tag) {
                    case 1: // Utf8: u2 length, then the text
                        int length = u2(bytes, at + 1);
                        int start = at + 3;
                        if (start + length > bytes.length) {
                            throw new IllegalArgumentException("a class file cut short in its constant pool");
                        }
                        if (length == name.length && matches(bytes, start, name)) {
                            out.writeUtf8(renamed, 0, renamed.length);
                        } else {
                            out.writeUtf8Replacing(bytes, start, length, descriptor, newDescriptor);
                        }
                        at = start + length;
                        continue;
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        size = 3;
                        break;
                    case 15: // MethodHandle
                        size = 4;
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        size = 5;
                        break;
                    case 5: case 6: // Long, Double: two entries
                        size = 9;
                        i++;
                        break;
                    default:
                        throw new IllegalArgumentException(new StringBuilder("unknown constant pool tag ").append(tag)
                                .append(" at entry ").append(i).toString());
                }
                if (at + size > bytes.length) {
                    throw new IllegalArgumentException("a class file cut short in its constant pool");
                }
                out.write(bytes, at, size);
                at += size;
            }
            out.write(bytes, at, bytes.length - at);
            return out.toByteArray();
        } catch (ArrayIndexOutOfBoundsException cut) {
            throw new IllegalArgumentException("a class file cut short", cut);
        }
    }

    private static boolean matches(byte[] bytes, int at, byte[] text) {
        if (at + text.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < text.length; i++) {
            if (bytes[at + i] != text[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }

    private static int u4(byte[] bytes, int at) {
        return u2(bytes, at) << 16 | u2(bytes, at + 2);
    }

    /** A growing byte buffer (not ByteArrayOutputStream: nothing more to load before main). */
    private static final class Out {
        private byte[] buffer;
        private int size;

        Out(int capacity) {
            buffer = new byte[capacity];
        }

        void write(byte[] bytes, int offset, int length) {
            ensure(length);
            System.arraycopy(bytes, offset, buffer, size, length);
            size += length;
        }

        void writeUtf8(byte[] text, int offset, int length) {
            ensure(3);
            buffer[size++] = 1;
            buffer[size++] = (byte) (length >>> 8);
            buffer[size++] = (byte) length;
            write(text, offset, length);
        }

        /** A Utf8 entry with each occurrence of {@code what} replaced by {@code with}. */
        void writeUtf8Replacing(byte[] bytes, int start, int length, byte[] what, byte[] with) {
            int lengthAt = size + 1;
            writeUtf8(bytes, start, 0); // the tag and a length written below
            int written = 0;
            int end = start + length;
            int copied = start;
            for (int i = start; i + what.length <= end; i++) {
                if (bytes[i] == what[0] && matches(bytes, i, what)) {
                    write(bytes, copied, i - copied);
                    write(with, 0, with.length);
                    written += i - copied + with.length;
                    i += what.length - 1;
                    copied = i + 1;
                }
            }
            write(bytes, copied, end - copied);
            written += end - copied;
            if (written > 0xFFFF) {
                throw new IllegalArgumentException("a constant renamed grows past 65535 bytes");
            }
            buffer[lengthAt] = (byte) (written >>> 8);
            buffer[lengthAt + 1] = (byte) written;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buffer, size);
        }
    }
}
