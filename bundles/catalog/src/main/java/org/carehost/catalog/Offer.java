package org.carehost.catalog;

import java.util.List;

/**
 * One version of a bundle as a catalog offers it: a plugin or a library bundle. {@code permissions} and
 * {@code signer} are what the index declares (the signer is checked again on the downloaded jar);
 * {@code kind} is the plugin's {@code Carehost-Kind} (validator, workflow, notifier, library...), or "library" for a
 * bundle without components. {@code rating} is the average of the current tenant's reviews of this version
 * (0 when there are none), {@code reviews} their count.
 */
public record Offer(String symbolicName, String version, String catalog, String name, String description,
        String kind, List<String> permissions, String signer, String sha256, long size, double rating, int reviews) {

    public Offer {
        permissions = List.copyOf(permissions);
    }

    /** {@code symbolicName@version}. */
    public String id() {
        return symbolicName + "@" + version;
    }
}
