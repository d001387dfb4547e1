package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.BindException;

import org.junit.jupiter.api.Test;

/** What a Felix HTTP entry's exception says of a bind failure (tryout 16, item 7). */
class JettyReportsTest {

    @Test
    void aTakenPortIsNamedWithItsAddressAndCause() {
        IOException jetty = new IOException("Failed to bind to /127.0.0.1:8181",
                new BindException("Address already in use"));
        assertEquals("127.0.0.1:8181", JettyReports.bindFailure(jetty,
                "Failed to start Connector: ServerConnector@1bad155d{HTTP/1.1, (http/1.1)}{127.0.0.1:8181}"));
        assertEquals("the port is in use by another process", JettyReports.reason(jetty));
    }

    @Test
    void anAddressNotThisMachinesIsNamedFromTheConnector() {
        BindException bind = new BindException("Cannot assign requested address");
        assertEquals("10.9.9.9:8181", JettyReports.bindFailure(bind,
                "Failed to start Connector: ServerConnector@1{HTTP/1.1, (http/1.1)}{10.9.9.9:8181}"));
        assertEquals("the address is not one of this machine's", JettyReports.reason(bind));
    }

    @Test
    void anotherFailureIsNoBindFailure() {
        assertNull(JettyReports.bindFailure(new IllegalStateException("no key store"), "Exception while initializing"));
        assertNull(JettyReports.bindFailure(null, "Jetty stopped (no connectors available)"));
    }
}
