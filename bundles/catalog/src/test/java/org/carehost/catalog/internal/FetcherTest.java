package org.carehost.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.carehost.catalog.CatalogException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** Redirects when fetching from a loopback HTTP server: followed within bounds and the URL rules, refused beyond. */
class FetcherTest {

    private static final byte[] INDEX = "<repository/>".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private String base;
    private final AtomicInteger loops = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/index.xml" -> answer(exchange, 200, null, INDEX);
                case "/moved" -> answer(exchange, 301, "/hop", null);
                case "/hop" -> answer(exchange, 307, base + "/index.xml", null);
                case "/loop" -> {
                    loops.incrementAndGet();
                    answer(exchange, 302, "/loop", null);
                }
                case "/to-file" -> answer(exchange, 302, "file:/etc/passwd", null);
                case "/to-remote" -> answer(exchange, 302, "http://192.0.2.1/index.xml", null);
                case "/no-location" -> answer(exchange, 302, null, null);
                default -> answer(exchange, 404, null, null);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String location, byte[] body) throws IOException {
        if (location != null) {
            exchange.getResponseHeaders().add("Location", location);
        }
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private byte[] read(String path) throws CatalogException {
        return new Fetcher().read(URI.create(base + path), Fetcher.MAX_INDEX_BYTES).data();
    }

    @Test
    void followsRedirectsRelativeAndAbsolute() throws Exception {
        assertArrayEquals(INDEX, read("/moved"));
        assertEquals(URI.create(base + "/index.xml"),
                new Fetcher().read(URI.create(base + "/moved"), Fetcher.MAX_INDEX_BYTES).from());
    }

    @Test
    void stopsAfterTheBound() {
        CatalogException refused = assertThrows(CatalogException.class, () -> read("/loop"));
        assertTrue(refused.getMessage().contains("more than " + Fetcher.MAX_REDIRECTS + " redirects"), refused.getMessage());
        assertEquals(Fetcher.MAX_REDIRECTS + 1, loops.get());
    }

    @Test
    void refusesARedirectToALocalFileOrARemotePlainHttpServer() {
        CatalogException toFile = assertThrows(CatalogException.class, () -> read("/to-file"));
        assertTrue(toFile.getMessage().contains("file:/etc/passwd") && toFile.getMessage().contains("refused"),
                toFile.getMessage());
        CatalogException toRemote = assertThrows(CatalogException.class, () -> read("/to-remote"));
        assertTrue(toRemote.getMessage().contains("only loopback http"), toRemote.getMessage());
        CatalogException none = assertThrows(CatalogException.class, () -> read("/no-location"));
        assertTrue(none.getMessage().contains("without a Location"), none.getMessage());
    }

    @Test
    void neverDowngradesFromHttpsToHttp() throws Exception {
        IOException down = assertThrows(IOException.class,
                () -> Fetcher.redirectTarget(URI.create("https://catalog.example/index.xml"), "http://127.0.0.1/x"));
        assertTrue(down.getMessage().contains("down to plain http"), down.getMessage());
        assertEquals(URI.create("https://catalog.example/jars/a.jar"),
                Fetcher.redirectTarget(URI.create("https://catalog.example/index.xml"), "jars/a.jar"));
    }
}
