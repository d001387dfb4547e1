package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.junit.jupiter.api.Test;

/** A browser session ends when its account is off or it is too old, however active; its roles are the account's now. */
class WebSessionsTest {

    private static final Operator ALICE = new Operator("alice", Set.of(Role.OPERATOR), Set.of(), false, false,
            Instant.EPOCH, "accounts");

    private final MovingClock clock = new MovingClock();
    private final FakeLogins logins = new FakeLogins();
    private final WebSessions sessions = new WebSessions(clock, logins);

    @Test
    void anActiveSessionEndsAtItsLifetime() {
        String id = sessions.create(ALICE).id();
        // used every 20 minutes (never idle 30) for just under 12 hours
        for (int i = 0; i < 35; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(20));
            assertTrue(sessions.find(id).isPresent(), "used at " + clock.now);
        }
        clock.now = clock.now.plus(Duration.ofMinutes(20)); // 12 h after the login
        assertFalse(sessions.find(id).isPresent());
        clock.now = clock.now.minus(Duration.ofMinutes(20));
        assertFalse(sessions.find(id).isPresent(), "forgotten, not only refused");
    }

    @Test
    void aSessionOfADisabledAccountEndsAndRolesAreReadAgain() {
        String id = sessions.create(ALICE).id();
        logins.current = operator -> new Operator(operator.name(), Set.of(Role.AUDITOR), Set.of(), false, false,
                Instant.EPOCH, "accounts");
        assertEquals(Set.of(Role.AUDITOR), sessions.find(id).orElseThrow().operator().roles());
        logins.current = operator -> null; // disabled or removed
        assertFalse(sessions.find(id).isPresent());
        logins.current = UnaryOperator.identity(); // enabled again: the session stays ended
        assertFalse(sessions.find(id).isPresent());
    }

    @Test
    void anIdleSessionStillEnds() {
        String id = sessions.create(ALICE).id();
        clock.now = clock.now.plus(WebSessions.IDLE).plusSeconds(1);
        assertFalse(sessions.find(id).isPresent());
    }

    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-05T08:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class FakeLogins implements Logins {
        UnaryOperator<Operator> current = UnaryOperator.identity();

        @Override
        public Optional<Operator> current(Operator operator) {
            return Optional.ofNullable(current.apply(operator));
        }

        @Override
        public Duration sessionLifetime() {
            return Duration.ofHours(12);
        }

        @Override
        public Operator password(String name, char[] password, String secondFactor, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Operator token(String secret, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Operator publicKey(String name, String keyType, byte[] keyBlob, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean knowsKey(String name, String keyType, byte[] keyBlob) {
            throw new UnsupportedOperationException();
        }
    }
}
