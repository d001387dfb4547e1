package org.carehost.itest;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What an SSH client process shows, read as it comes, and waited on for a text (the SSH tests' one copy). */
final class SshScreen {

    private SshScreen() {
    }

    /** The process's output so far, filled by a daemon thread of its own until the connection ends. */
    static StringBuilder read(Process process) {
        StringBuilder screen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                byte[] buffer = new byte[4096];
                int read;
                while ((read = process.getInputStream().read(buffer)) >= 0) {
                    synchronized (screen) {
                        screen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                        screen.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the connection ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return screen;
    }

    /** Waits up to 60 s for {@code text} on the screen; fails showing the screen otherwise. */
    static void await(StringBuilder screen, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (screen) {
            while (screen.indexOf(text) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertTrue("'" + text + "' never appeared; the screen shows:\n" + screen, left > 0);
                screen.wait(left);
            }
        }
    }
}
