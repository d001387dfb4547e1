package org.carehost.sdk.resource;

import java.util.List;
import java.util.Objects;

/**
 * A resource as the host stored it, with the warnings the validators found in it (issues that did not reject the
 * write; each message starts with the symbolic name of the plugin whose validator found it).
 *
 * @param resource the stored resource
 * @param warnings warnings and information, empty when there were none
 */
public record Stored<T>(T resource, List<ValidationIssue> warnings) {

    public Stored {
        Objects.requireNonNull(resource, "resource");
        warnings = List.copyOf(warnings);
    }
}
