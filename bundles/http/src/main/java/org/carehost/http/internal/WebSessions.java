package org.carehost.http.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.operators.Operator;

/**
 * Browser sessions after a password login: a random id (256 bits) in an {@code HttpOnly; SameSite=Strict} cookie and
 * a CSRF token (256 bits) the page sends back in {@code X-CSRF-Token} on every state change. Kept in memory on this
 * node (a restart logs everyone out), idle ones end after {@link #IDLE}, at most {@link #MAX} at a time.
 */
final class WebSessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX = 10_000;

    record WebSession(String id, Operator operator, String csrf, Instant lastUsed) {
    }

    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    WebSessions(Clock clock) {
        this.clock = clock;
    }

    WebSession create(Operator operator) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX) {
            sessions.values().removeIf(session -> session.lastUsed().plus(IDLE).isBefore(now));
        }
        if (sessions.size() >= MAX) {
            throw new IllegalStateException("Too many open sessions; try again later");
        }
        WebSession session = new WebSession(secret(), operator, secret(), now);
        sessions.put(session.id(), session);
        return session;
    }

    Optional<WebSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        WebSession session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null || session.lastUsed().plus(IDLE).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        WebSession touched = new WebSession(session.id(), session.operator(), session.csrf(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
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
