package org.carehost.security;

import java.time.Instant;

/** One refusal: a call without its permission, a plugin kept from resolving, an impostor service. */
public record Denial(Instant at, String plugin, String version, String permission, String reason) {
}
