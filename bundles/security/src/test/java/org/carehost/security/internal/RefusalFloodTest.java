package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RefusalFloodTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final RefusalFlood flood = new RefusalFlood(now::get);

    @Test
    void theFirstOfASecondAreReportedTheRestCountedAndTheirNumberGoesWithTheNextReport() {
        for (int i = 0; i < RefusalFlood.REPORTED_PER_SECOND; i++) {
            RefusalFlood.Decision decision = flood.admit(7);
            assertTrue(decision.report());
            assertEquals(0, decision.unreportedBefore());
        }
        for (int i = 0; i < 30; i++) {
            assertFalse(flood.admit(7).report());
        }
        assertTrue(flood.admit(8).report(), "another plugin has its own window");
        now.addAndGet(1_000_000_000L);
        RefusalFlood.Decision next = flood.admit(7);
        assertTrue(next.report());
        assertEquals(30, next.unreportedBefore());
        assertEquals(0, flood.admit(7).unreportedBefore());
    }

    @Test
    void aFloodIsToldOnceASecond() {
        int floods = 0;
        for (int i = 0; i < 5 * RefusalFlood.FLOOD_PER_SECOND; i++) {
            floods += flood.admit(7).flood() ? 1 : 0;
        }
        assertEquals(1, floods);
        now.addAndGet(1_000_000_000L);
        for (int i = 0; i < RefusalFlood.FLOOD_PER_SECOND; i++) {
            assertFalse(flood.admit(7).flood());
        }
        assertTrue(flood.admit(7).flood());
    }
}
