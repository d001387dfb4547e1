package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

/** The login route as the API servlet routes it, whatever the raw URI says (redteam-3 review of #10). */
class TransportFilterTest {

    @Test
    void aLoginIsSeenByItsDecodedPathNotItsRawUri() {
        // what Jetty hands a filter for /api/v1/session;x and /api/v1/%73ession: the decoded servlet path and path info
        assertTrue(TransportFilter.carriesCredentials(request("POST", "/api/v1", "/session", "/api/v1/session;x")));
        assertTrue(TransportFilter.carriesCredentials(request("POST", "/api/v1", "/session", "/api/v1/%73ession")));
        assertTrue(TransportFilter.carriesCredentials(request("POST", "/api/v1", "/session/", "/api/v1/session/")));
        assertFalse(TransportFilter.carriesCredentials(request("GET", "/api/v1", "/openapi.json", "/api/v1/openapi.json")));
        assertFalse(TransportFilter.carriesCredentials(request("POST", "/api/v1", "/sessions", "/api/v1/sessions")));
    }

    private static HttpServletRequest request(String method, String servletPath, String pathInfo, String uri) {
        return (HttpServletRequest) Proxy.newProxyInstance(TransportFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> uri;
                    default -> null;
                });
    }
}
