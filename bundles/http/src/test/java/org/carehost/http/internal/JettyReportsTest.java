package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;

import org.junit.jupiter.api.Test;

/** What a Felix HTTP entry's exception says of a bind failure (tryout 16, item 7). */
class JettyReportsTest {

    @Test
    void aTakenPortIsNamedWithItsAddressAndCause() {
        IOException jetty = new IOException("Failed to bind to /127.0.0.1:8181",
                new BindException("Address already in use"));
        assertTrue(JettyReports.isBindFailure(jetty));
        assertEquals("127.0.0.1:8181", JettyReports.address(jetty,
                "Failed to start Connector: ServerConnector@1bad155d{HTTP/1.1, (http/1.1)}{127.0.0.1:8181}"));
        assertEquals("the port is in use by another process", JettyReports.reason(jetty));
    }

    @Test
    void anAddressNotThisMachinesIsNamedFromTheConnector() {
        BindException bind = new BindException("Cannot assign requested address");
        assertTrue(JettyReports.isBindFailure(bind));
        assertEquals("10.9.9.9:8181", JettyReports.address(bind,
                "Failed to start Connector: ServerConnector@1{HTTP/1.1, (http/1.1)}{10.9.9.9:8181}"));
        assertEquals("the address is not one of this machine's", JettyReports.reason(bind));
    }

    @Test
    void anotherFailureIsNoBindFailure() {
        assertFalse(JettyReports.isBindFailure(new IllegalStateException("no key store")));
        assertFalse(JettyReports.isBindFailure(null));
        assertFalse(JettyReports.isBindFailure(new IOException("Failed to bind to /127.0.0.1:8181")),
                "a message that says so is not a bind failure");
    }
}
