package org.carehost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per second of {@code GET /api/v1/plugins} (a patient-free call: the plugin list as JSON, bearer token checked
 * and a care context bound on each request) against the real {@code carehost.jar} in a fresh working directory, from
 * {@code --connections} threads with an HTTP client (one keep-alive connection) each. After a warm-up, {@code --rounds}
 * rounds of {@code --seconds} each; prints each round and the median rate and per-request latency.
 *
 * <pre>java -cp benchmarks/target/classes org.carehost.bench.HttpThroughput [--connections 8] [--rounds 5]
 * [--path /metrics]</pre>
 */
public final class HttpThroughput {

    private HttpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, Map.of("--connections", "8", "--rounds", "5",
                "--seconds", "5", "--warmup", "15", "--jar", "target/carehost.jar", "--path", "/api/v1/plugins", "--java",
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        int connections = Integer.parseInt(options.get("--connections"));
        Path jar = Paths.get(options.get("--jar")).toAbsolutePath();
        Path home = Files.createTempDirectory("carehost-http-bench");
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        int port = freePort();
        Files.writeString(home.resolve("etc/org.apache.felix.http.cfg"), "org.osgi.service.http.port=" + port + "\n");
        Files.writeString(home.resolve("etc/org.carehost.ssh.cfg"), "enabled=false\n");
        Process container = new ProcessBuilder(options.get("--java"), "-jar", jar.toString()).directory(home.toFile())
                .redirectOutput(home.resolve("stdout.txt").toFile()).redirectError(home.resolve("stderr.txt").toFile())
                .start();
        OutputStream console = container.getOutputStream();
        try {
            console.write(("user:add --roles operator --password 'benchmark password' bench\n"
                    + "user:token --label bench bench\n").getBytes(StandardCharsets.UTF_8));
            console.flush();
            String token = awaitToken(home.resolve("stdout.txt"), container);
            URI uri = URI.create("http://127.0.0.1:" + port + options.get("--path"));
            awaitAnswer(uri, token);
            System.out.printf("GET %s with %d connections (%s)%n", uri.getPath(), connections, jar);
            run(uri, token, connections, Duration.ofSeconds(Long.parseLong(options.get("--warmup"))));
            List<Double> rates = new ArrayList<>();
            List<Double> latencies = new ArrayList<>();
            for (int round = 1; round <= Integer.parseInt(options.get("--rounds")); round++) {
                double[] result = run(uri, token, connections, Duration.ofSeconds(Long.parseLong(options.get("--seconds"))));
                rates.add(result[0]);
                latencies.add(result[1]);
                System.out.printf("round %d: %.0f requests/s, %.2f ms per request%n", round, result[0], result[1]);
            }
            System.out.printf("median: %.0f requests/s, %.2f ms per request%n", Samples.median(rates), Samples.median(latencies));
        } finally {
            console.close();
            if (!container.waitFor(60, TimeUnit.SECONDS)) {
                container.destroyForcibly();
            }
        }
    }

    /** Requests per second and mean milliseconds per request over {@code duration}, all threads together. */
    private static double[] run(URI uri, String token, int connections, Duration duration) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.incrementAndGet();
                    }
                    nanos.addAndGet(System.nanoTime() - start);
                    done.incrementAndGet();
                }
            });
            threads.add(thread);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(duration.toMillis());
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed");
        }
        return new double[] {done.get() / seconds, nanos.get() / 1e6 / Math.max(1, done.get())};
    }

    private static String awaitToken(Path stdout, Process container) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && container.isAlive()) {
            if (Files.exists(stdout)) {
                for (String line : Files.readAllLines(stdout)) {
                    if (line.startsWith("chk_")) {
                        return line.strip();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The container printed no token; see " + stdout);
    }

    private static void awaitAnswer(URI uri, String token) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("No answer from " + uri);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
