package org.carehost.operators;

import java.time.Instant;

/**
 * An API token as issued: {@code secret} is shown once and never stored (the store keeps its SHA-256).
 *
 * @param id names the token in listings and for revoking it
 * @param secret what the client sends as {@code Authorization: Bearer <secret>}
 */
public record IssuedToken(String id, String account, String label, Instant expires, String secret) {
}
