package org.carehost.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Reads one output stream of the container on its own thread, stamping each line with
 * {@link System#nanoTime()} as it is read, so a waiting caller gets the time the line appeared rather
 * than the time it got round to looking (and the pipe never fills up and blocks the container).
 */
final class LineWatcher {

    private record Line(long nanos, String text) {}

    private final List<Line> lines = new ArrayList<>();
    private boolean ended;

    LineWatcher(InputStream in, String threadName) {
        Thread pump = new Thread(() -> pump(in), threadName);
        pump.setDaemon(true); // a container that hangs must not keep the benchmark alive
        pump.start();
    }

    private void pump(InputStream in) {
        // The container writes in the platform charset (it runs on the same machine).
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()))) {
            String text;
            while ((text = reader.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (this) {
                    lines.add(new Line(now, text));
                    notifyAll();
                }
            }
        } catch (IOException streamClosed) {
            // the process is gone: treated like end of stream
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** How many lines read so far match; pass {@code count + 1} to {@link #awaitNth} to wait for a new one. */
    synchronized int count(Predicate<String> match) {
        return (int) lines.stream().filter(line -> match.test(line.text())).count();
    }

    /** Every line read so far. */
    synchronized List<String> all() {
        return lines.stream().map(Line::text).toList();
    }

    /** Waits for the {@code n}th matching line (1-based) and returns the nanoTime it was read at. */
    synchronized long awaitNth(Predicate<String> match, int n, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int seen = 0;
            for (Line line : lines) {
                if (match.test(line.text()) && ++seen == n) {
                    return line.nanos();
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new TimeoutException((ended ? "output ended" : "timed out after " + timeout.toSeconds() + " s")
                        + " waiting for " + what);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
