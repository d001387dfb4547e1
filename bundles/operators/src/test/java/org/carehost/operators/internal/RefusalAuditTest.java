package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditOutcome;
import org.junit.jupiter.api.Test;

/** The refusal budget: a flood from one address, or from many, is written a few at a time and the rest summed up. */
class RefusalAuditTest {

    private final List<AuditEvent> written = new CopyOnWriteArrayList<>();
    private final AuditLog log = (AuditLog) Proxy.newProxyInstance(AuditLog.class.getClassLoader(),
            new Class<?>[] {AuditLog.class}, (proxy, method, arguments) -> {
                if (method.getName().equals("append")) {
                    written.add((AuditEvent) arguments[0]);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void aFloodFromOneAddressIsWrittenTenAtATimeAndSummedUp() {
        RefusalAudit refusals = new RefusalAudit(log, clock, 10, 60);
        for (int i = 0; i < 25; i++) {
            refusals.refused("http 10.0.0.7", null, "http.refused", "401 GET /api/v1/plugins: no credentials");
        }
        for (int i = 0; i < 5; i++) {
            refusals.refused("ssh 10.0.0.7", "bob", "login", "password: wrong password");
        }
        refusals.refused("http 10.0.0.8", null, "http.refused", "401 GET /api/v1/me: no credentials");
        assertEquals(11, written.size(), "10 of 10.0.0.7, 1 of 10.0.0.8");
        assertTrue(written.stream().allMatch(event -> event.outcome() == AuditOutcome.DENIED));
        refusals.roll(clock.millis() + 60_000, false);
        assertEquals(12, written.size(), "one summary, for the address that went over");
        AuditEvent summary = written.get(11);
        assertEquals(RefusalAudit.SUMMARY, summary.operation());
        assertTrue(summary.reason().startsWith("20 more refusals from 10.0.0.7"), summary.reason());
        assertTrue(summary.reason().contains("{http.refused=15, login=5}"), summary.reason());
        // a new window: the address is written one by one again
        refusals.refused("http 10.0.0.7", null, "http.refused", "401 GET /api/v1/plugins: no credentials");
        assertEquals(13, written.size());
    }

    @Test
    void manyAddressesShareOneCapPerWindow() {
        RefusalAudit refusals = new RefusalAudit(log, clock, 2, 60);
        for (int i = 0; i < 100; i++) {
            refusals.refused("http 10.1.0." + i, null, "http.refused", "401");
        }
        assertEquals(40, written.size(), "20 times the per-address budget, over all addresses");
        refusals.roll(clock.millis(), true);
        List<AuditEvent> summaries = written.stream().filter(event -> event.operation().equals(RefusalAudit.SUMMARY))
                .toList();
        assertEquals(1, summaries.size(), "the addresses the cap kept out share one summary");
        assertTrue(summaries.get(0).reason().startsWith("60 refusals from 60 more addresses"), summaries.get(0).reason());
    }

    @Test
    void addressesPastTheTrackedOnesAreEachCountedOnce() {
        RefusalAudit refusals = new RefusalAudit(log, clock, 1, 60);
        for (int i = 0; i < 10_000; i++) {
            refusals.refused("http 10.2." + i / 250 + "." + i % 250, null, "http.refused", "401");
        }
        for (int round = 0; round < 2; round++) { // past the 10,000 tracked: 250 more addresses, each refused twice
            for (int i = 0; i < 250; i++) {
                refusals.refused("http 10.3.0." + i, null, "http.refused", "401");
            }
        }
        assertEquals(20, written.size());
        refusals.roll(clock.millis(), true);
        List<AuditEvent> summaries = written.stream().filter(event -> event.operation().equals(RefusalAudit.SUMMARY))
                .toList();
        assertEquals(1, summaries.size());
        // 9,980 tracked addresses the cap kept out, and the 250 past them: 10,230 addresses, 10,480 refusals
        assertTrue(summaries.get(0).reason().startsWith("10480 refusals from 10230 more addresses"),
                summaries.get(0).reason());
    }

    @Test
    void pastTheCountedOverflowTheSummarySaysMoreThan() {
        RefusalAudit refusals = new RefusalAudit(log, clock, 1, 60);
        int addresses = 10_000 + RefusalAudit.MAX_OVERFLOW_ADDRESSES + 5;
        for (int i = 0; i < addresses; i++) {
            refusals.refused("http 10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255), null, "login", "x");
        }
        refusals.roll(clock.millis(), true);
        String reason = written.get(written.size() - 1).reason();
        assertTrue(reason.startsWith((addresses - 20) + " refusals from more than "
                + (9_980 + RefusalAudit.MAX_OVERFLOW_ADDRESSES) + " more addresses"), reason);
    }
}
