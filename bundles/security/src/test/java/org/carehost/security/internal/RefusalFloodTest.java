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
        for (int i = 0; i < 30_000; i++) {
            assertFalse(flood.admit(7).report());
        }
        assertTrue(flood.admit(8).report(), "another plugin has its own window");
        now.addAndGet(1_000_000_000L);
        RefusalFlood.Decision next = flood.admit(7);
        assertTrue(next.report());
        assertEquals(30_000, next.unreportedBefore());
        assertTrue(RefusalFlood.withUnreported("read x", next).contains("30000 refusals"));
        assertEquals(0, flood.admit(7).unreportedBefore());
        assertEquals("read x", RefusalFlood.withUnreported("read x", flood.admit(7)));
    }
}
