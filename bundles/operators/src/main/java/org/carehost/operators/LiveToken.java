package org.carehost.operators;

import java.time.Instant;

/**
 * One live API token of an account as an admin reviews it (never its secret): its id (what a revocation names), the
 * label given when it was issued, and when it was issued and expires.
 *
 * @since 1.2
 */
public record LiveToken(String id, String label, Instant created, Instant expires) {
}
