package org.carehost.console;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether the container is ready: its bundles active and its configured components satisfied. Registered by the
 * console; the same answer decides when a script's first command runs and what {@code /health/ready} says.
 */
@ProviderType
public interface ContainerReadiness {

    /** What is not ready now, in words; empty when ready. */
    List<String> notReady();
}
