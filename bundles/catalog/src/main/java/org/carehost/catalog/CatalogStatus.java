package org.carehost.catalog;

import java.util.List;

/**
 * A configured catalog: its name, index URL as it may be shown (a {@code user:password@} or a secret query parameter
 * in it masked as {@code ***}), the signers whose plugins it may offer ({@code *} for any, also
 * unsigned), how many resources it offers, and the problem reading it ({@code null} when it was read).
 */
public record CatalogStatus(String name, String url, List<String> trust, int resources, String problem) {

    public CatalogStatus {
        trust = List.copyOf(trust);
    }
}
