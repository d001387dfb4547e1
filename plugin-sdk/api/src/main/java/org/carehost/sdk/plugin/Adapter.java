package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Speaks to a system outside the host (a lab system, a payer, a public-health registry). Register as a
 * service; the host and operators use {@link #system()} and {@link #available()} to see its state.
 */
@ConsumerType
public interface Adapter {

    /** Which outside system, e.g. {@code state-immunization-registry}. */
    String system();

    /** Whether the outside system answers right now. */
    boolean available();
}
