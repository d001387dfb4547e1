package org.carehost.clinical.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class OpenedTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private final Opened<String> opened = new Opened<>();
    private final AtomicInteger opens = new AtomicInteger();

    private String open(String stored, String id, long version, Instant lastUpdated) {
        return opened.get(stored, id, version, lastUpdated, () -> "resource " + opens.incrementAndGet());
    }

    @Test
    void theSameRowIsOpenedOnce() {
        String first = open("c1.k1.AAA", "p1", 1, T);
        assertSame(first, open("c1.k1.AAA", "p1", 1, T));
        assertEquals(1, opens.get());
    }

    @Test
    void aChangedValueVersionTimeOrRowIsOpenedAgain() {
        open("c1.k1.AAA", "p1", 1, T);
        open("c1.k1.BBB", "p1", 1, T);
        // The same sealed value under another id (copied from another row) must be opened, and so refused there.
        open("c1.k1.AAA", "p2", 1, T);
        open("c1.k1.AAA", "p1", 2, T);
        open("c1.k1.AAA", "p1", 1, T.plusMillis(1));
        assertEquals(5, opens.get());
    }

    @Test
    void aFailedOpenIsNotKept() {
        try {
            opened.get("c1.k1.BAD", "p1", 1, T, () -> {
                throw new IllegalStateException("does not open");
            });
        } catch (IllegalStateException expected) {
            // as the caller would see it
        }
        open("c1.k1.BAD", "p1", 1, T);
        assertEquals(1, opens.get());
    }

    @Test
    void aClearedCacheOpensAgain() {
        open("c1.k1.AAA", "p1", 1, T);
        opened.clear();
        open("c1.k1.AAA", "p1", 1, T);
        assertEquals(2, opens.get());
    }

    @Test
    void itStaysBounded() {
        for (int i = 0; i < Opened.MAX_ENTRIES * 3; i++) {
            open("c1.k1." + i, "p" + i, 1, T);
        }
        assertTrue(opened.size() <= Opened.MAX_ENTRIES, "size " + opened.size());
    }
}
