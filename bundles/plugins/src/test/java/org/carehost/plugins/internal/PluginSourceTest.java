package org.carehost.plugins.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.carehost.plugins.PluginException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class PluginSourceTest {

    private final byte[] jar = new byte[100_000];
    private HttpServer server;
    private String base;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/plugin.jar", exchange -> {
            exchange.sendResponseHeaders(200, jar.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jar);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void onlyFilesAndHttpUrlsAreSources() {
        for (String other : new String[] {"ftp://127.0.0.1/x.jar", "jar:http://127.0.0.1/x.jar!/", "gopher://x/y"}) {
            PluginException refused = assertThrows(PluginException.class, () -> PluginSource.of(other));
            assertTrue(refused.getMessage().contains("http: or https:"), refused.getMessage());
        }
    }

    @Test
    void aUrlIsFetchedWholeWithinTheLimitAndRefusedBeyondIt() throws Exception {
        jar[0] = 'P';
        jar[jar.length - 1] = 'K';
        PluginSource source = PluginSource.of(base + "/plugin.jar");
        Path copy = source.localCopy();
        try {
            assertArrayEquals(jar, Files.readAllBytes(copy));
        } finally {
            source.discard(copy);
        }
        IOException tooLarge = assertThrows(IOException.class, () -> source.localCopy(jar.length - 1));
        assertTrue(tooLarge.getMessage().contains("larger than"), tooLarge.getMessage());
    }
}
