package org.carehost.console.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A script's standard output and error as text a terminal shows and never acts on: what commands write, the
 * container's own ones and Felix's and Gogo's alike ({@code lb}, {@code headers}, {@code scr:info} print a plugin's
 * headers and properties as they are), with each control character but a tab and a line break (a carriage return
 * only before a line feed), each C1 control and each bidirectional override written as {@code ?}. Red team: a plugin
 * with no permission put escape sequences in its Bundle-Name and its component's properties, and {@code lb} and
 * {@code scr:info} set the operator's terminal title and hid lines. The same rule as the shell's
 * {@code TerminalText}, applied to the bytes as they are written (UTF-8: C1 controls and the overrides are two and
 * three bytes long, held until they are complete).
 */
final class TerminalOutput extends FilterOutputStream {

    private final boolean utf8;
    private final byte[] held = new byte[3];
    private int count;

    TerminalOutput(OutputStream out, boolean utf8) {
        super(out);
        this.utf8 = utf8;
    }

    @Override
    public void write(int value) throws IOException {
        int b = value & 0xFF;
        if (count > 0) {
            held[count++] = (byte) b;
            resolve();
            return;
        }
        if (b == '\r' || utf8 && (b == 0xC2 || b == 0xE2)) {
            held[0] = (byte) b;
            count = 1;
            return;
        }
        out.write(control(b) ? '?' : b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public void close() throws IOException {
        release();
        super.close();
    }

    private boolean control(int b) {
        return b < 0x20 && b != '\t' && b != '\n' || b == 0x7F || !utf8 && b >= 0x80 && b <= 0x9F;
    }

    private void resolve() throws IOException {
        int first = held[0] & 0xFF;
        int second = held[1] & 0xFF;
        if (first == '\r') {
            count = 0;
            if (second == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write('?');
                write(second);
            }
        } else if (first == 0xC2) {
            count = 0;
            if (second >= 0x80 && second <= 0x9F) {
                out.write('?');
            } else {
                out.write(0xC2);
                write(second);
            }
        } else if (count == 2) {
            if (second != 0x80 && second != 0x81) {
                count = 0;
                out.write(0xE2);
                write(second);
            } // else: wait for the third byte
        } else {
            int third = held[2] & 0xFF;
            count = 0;
            if (second == 0x80 && third >= 0xAA && third <= 0xAE || second == 0x81 && third >= 0xA6 && third <= 0xA9) {
                out.write('?');
            } else {
                out.write(0xE2);
                out.write(second);
                write(third);
            }
        }
    }

    /** What is held, as it came (an incomplete sequence at the end). */
    private void release() throws IOException {
        for (int i = 0; i < count; i++) {
            out.write(held[i] == '\r' ? '?' : held[i]);
        }
        count = 0;
    }
}
