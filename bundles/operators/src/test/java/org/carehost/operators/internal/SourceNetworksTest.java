package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SourceNetworksTest {

    @Test
    void ipv4AddressesAreCountedByTheir24() {
        assertEquals(Optional.of("203.0.113.0/24"), SourceNetworks.network("203.0.113.77"));
        assertEquals("203.0.113.77", SourceNetworks.key("203.0.113.77"));
        assertEquals(Optional.of("198.51.100.0/24"), SourceNetworks.network("::ffff:198.51.100.9"), "IPv4-mapped");
    }

    @Test
    void ipv6AddressesAreCountedByTheir48InOneTextForm() {
        assertEquals(Optional.of("2001:db8:1:0:0:0:0:0/48"), SourceNetworks.network("2001:db8:1:2:aaaa::1"));
        assertEquals(Optional.of("2001:db8:1:0:0:0:0:0/48"), SourceNetworks.network("[2001:0db8:0001:0002::ffff%eth0]"));
        assertEquals(SourceNetworks.network("2001:db8:1:ffff::1"), SourceNetworks.network("2001:db8:1:0::1"),
                "every /64 of a /48 is one network");
        assertEquals(Optional.of("2001:db8:2:0:0:0:0:0/48"), SourceNetworks.network("2001:db8:2::1"));
        assertEquals("2001:db8:0:0:0:0:0:1", SourceNetworks.key("[2001:db8::1]"));
    }

    @Test
    void loopbackIsKnownAndNamesAreNeverLookedUp() {
        assertTrue(SourceNetworks.loopback("127.0.0.1"));
        assertTrue(SourceNetworks.loopback("127.9.8.7"));
        assertTrue(SourceNetworks.loopback("::1"));
        assertTrue(SourceNetworks.loopback("[0:0:0:0:0:0:0:1]"));
        assertFalse(SourceNetworks.loopback("10.0.0.1"));
        assertFalse(SourceNetworks.loopback("localhost"), "a name is no address: not looked up");
        assertEquals(Optional.empty(), SourceNetworks.network("localhost"));
        assertEquals(Optional.empty(), SourceNetworks.network("filler-1"));
        assertEquals(Optional.empty(), SourceNetworks.network("300.1.1.1"));
        assertEquals(Optional.empty(), SourceNetworks.network("unknown"));
        assertEquals("x".repeat(100), SourceNetworks.key("x".repeat(300)));
    }
}
