package org.carehost.context;

import java.time.Instant;

/** Whether a plugin is enabled for a tenant, who last changed that and when. */
public record Activation(String tenant, String plugin, boolean enabled, String changedBy, Instant changed) {
}
