package org.carehost.plugins;

import java.nio.file.Path;
import java.util.Objects;

/** A bundle jar to install as a plugin: the local file, and the bundle location it gets. */
public record PluginArtifact(String location, Path file) {

    public PluginArtifact {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(file, "file");
    }
}
