package org.carehost.catalog;

import java.time.Instant;

/** A hospital admin's rating (1 to 5) and review of one plugin version, in one tenant. */
public record Review(String tenant, String symbolicName, String version, int rating, String text, String author,
        Instant at) {
}
