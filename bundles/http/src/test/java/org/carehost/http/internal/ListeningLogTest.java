package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The bound addresses as Felix HTTP gives them on its runtime (a string, an array, a collection), each ending in /. */
class ListeningLogTest {

    @Test
    void everyFormFelixHttpUsesGivesTheAddressesEndingInASlash() {
        assertEquals(List.of("http://127.0.0.1:8181/", "https://127.0.0.1:8443/"),
                ListeningLog.endpoints(new String[] {"http://127.0.0.1:8181/", "https://127.0.0.1:8443"}));
        assertEquals(List.of("http://127.0.0.1:8181/"), ListeningLog.endpoints(List.of("http://127.0.0.1:8181")));
        assertEquals(List.of("http://127.0.0.1:8181/"), ListeningLog.endpoints("http://127.0.0.1:8181/"));
        assertEquals(List.of(), ListeningLog.endpoints(null));
    }

    @Test
    void plainHttpBeyondLoopbackIsNamedForTheWarning() {
        assertEquals(List.of("http://0.0.0.0:8181/", "http://192.0.2.2:8181/", "http://[fd00::2]:8181/"),
                ListeningLog.plainBeyondLoopback(List.of("http://127.0.0.1:8181/", "http://0.0.0.0:8181/",
                        "https://0.0.0.0:8443/", "http://192.0.2.2:8181/", "http://[::1]:8181/",
                        "http://localhost:8181/", "http://[fd00::2]:8181/")));
    }
}
