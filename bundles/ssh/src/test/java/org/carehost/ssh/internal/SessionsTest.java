package org.carehost.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.junit.jupiter.api.Test;

/** Whether an SSH connection may run one more command: decided from the clock and the account as they are. */
class SessionsTest {

    private static final Instant LOGIN = Instant.parse("2030-01-01T08:00:00Z");
    private static final Operator ALICE = new Operator("alice", Set.of(Role.OPERATOR), Set.of(), false, false,
            Instant.EPOCH, "accounts", 42);

    private Instant now = LOGIN;
    private Optional<Operator> current = Optional.of(ALICE);

    private final Clock clock = new Clock() {
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
    };

    private final Sessions sessions = new Sessions(new Logins() {
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
            return false;
        }

        @Override
        public Optional<Operator> current(Operator operator) {
            return current;
        }

        @Override
        public Duration sessionLifetime() {
            return Duration.ofHours(12);
        }
    }, clock);

    @Test
    void anSshLoginEndsAtTheSessionLifetimeHoweverActive() {
        Sessions.Login login = new Sessions.Login(ALICE, LOGIN);
        now = LOGIN.plus(Duration.ofHours(12)).minusSeconds(1);
        assertNull(sessions.revoked(login));
        now = LOGIN.plus(Duration.ofHours(12));
        String revoked = sessions.revoked(login);
        assertTrue(revoked != null && revoked.contains("older than 12 h")
                && revoked.contains("sessionLifetimeHours"), revoked);
    }

    @Test
    void anAccountNoLongerAsAtTheLoginEndsTheConnection() {
        Sessions.Login login = new Sessions.Login(ALICE, LOGIN);
        current = Optional.empty(); // disabled, removed or another password (Logins.current)
        String revoked = sessions.revoked(login);
        assertTrue(revoked != null && revoked.contains("password changed"), revoked);
        current = Optional.of(new Operator("alice", Set.of(Role.AUDITOR), Set.of(), false, false, Instant.EPOCH,
                "accounts", 42));
        revoked = sessions.revoked(login);
        assertTrue(revoked != null && revoked.contains("roles or tenants"), revoked);
    }
}
