package org.carehost.security.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.carehost.security.Denial;

/** The newest denials, kept in memory for {@code security:denials}; the audit trail keeps them all. */
final class Denials {

    static final int KEPT = 1000;

    private final Deque<Denial> newestFirst = new ArrayDeque<>();
    private final Clock clock;

    Denials(Clock clock) {
        this.clock = clock;
    }

    synchronized Denial record(String plugin, String version, String permission, String reason) {
        Denial denial = new Denial(clock.instant(), plugin, version, permission, reason);
        newestFirst.addFirst(denial);
        if (newestFirst.size() > KEPT) {
            newestFirst.removeLast();
        }
        return denial;
    }

    synchronized List<Denial> newest(int max) {
        List<Denial> list = new ArrayList<>();
        Iterator<Denial> it = newestFirst.iterator();
        while (it.hasNext() && list.size() < max) {
            list.add(it.next());
        }
        return list;
    }
}
