package org.carehost.http.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.operators.Logins;
import org.carehost.operators.Operator;

/**
 * Browser sessions after a password login: a random id (256 bits) in an {@code HttpOnly; SameSite=Strict} cookie and
 * a CSRF token (256 bits) the page sends back in {@code X-CSRF-Token} on every state change. Kept in memory on this
 * node (a restart logs everyone out), idle ones end after {@link #IDLE}, every one at the latest
 * {@link Logins#sessionLifetime()} after its login, at most {@link #MAX} at a time. Each use reads the account again
 * ({@link Logins#current}): a session of an account disabled or removed since ends there, and its roles and tenants
 * are the account's as they are now.
 */
final class WebSessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX = 10_000;

    /** A session as kept: who logged in (the login's snapshot, read again at each use), when, and when last used. */
    private record Kept(String id, Operator login, String csrf, Instant created, Instant lastUsed) {
        boolean over(Instant now, Duration lifetime) {
            return lastUsed.plus(IDLE).isBefore(now) || !created.plus(lifetime).isAfter(now);
        }
    }

    /** A session in use: its id, the operator as their account is now, and its CSRF token. */
    record WebSession(String id, Operator operator, String csrf) {
    }

    private final Map<String, Kept> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Logins logins;

    WebSessions(Clock clock, Logins logins) {
        this.clock = clock;
        this.logins = logins;
    }

    WebSession create(Operator operator) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX) {
            Duration lifetime = logins.sessionLifetime();
            sessions.values().removeIf(session -> session.over(now, lifetime));
        }
        if (sessions.size() >= MAX) {
            throw new IllegalStateException("Too many open sessions; try again later");
        }
        Kept session = new Kept(secret(), operator, secret(), now, now);
        sessions.put(session.id(), session);
        return new WebSession(session.id(), operator, session.csrf());
    }

    /** The session of that cookie, renewed; empty (and forgotten) when unknown, idle, too old, or its account is off. */
    Optional<WebSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Kept session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null || session.over(now, logins.sessionLifetime())) {
            sessions.remove(id);
            return Optional.empty();
        }
        Optional<Operator> current = logins.current(session.login());
        if (current.isEmpty()) {
            sessions.remove(id);
            return Optional.empty();
        }
        sessions.replace(id, session, new Kept(id, session.login(), session.csrf(), session.created(), now));
        return Optional.of(new WebSession(id, current.get(), session.csrf()));
    }

    void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
