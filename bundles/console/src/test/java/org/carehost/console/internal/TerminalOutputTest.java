package org.carehost.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TerminalOutputTest {

    private static String through(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(new TerminalOutput(bytes, true), true, StandardCharsets.UTF_8)) {
            // one byte at a time as well as whole: sequences split across writes are held until complete
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                out.write(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void controlSequencesBecomeVisibleAndTextStaysAsItIs() {
        assertEquals("?]0;TITLE??[2J?[8mhidden", through("\u001b]0;TITLE\u0007\u001b[2J\u001b[8mhidden"));
        assertEquals("a\tb\nc\r\nd?e", through("a\tb\nc\r\nd\re"));
        assertEquals("?x?y", through("\u009bx\u202Ey"));
        assertEquals("é ü — ‐ ‑ ’ … café\n", through("é ü — ‐ ‑ ’ … café\n"));
        assertEquals("ID  NAME\n", through("ID  NAME\n"));
    }
}
