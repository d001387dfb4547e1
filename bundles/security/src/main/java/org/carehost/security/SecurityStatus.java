package org.carehost.security;

import java.util.List;

/**
 * What {@code security:status} shows. {@code policyError} is the reason the policy file was last refused (the
 * previous policy then stays in force), or null. {@code runtimeLayer} says whether the run-time enforcement agent is
 * checking plugins' calls at the JDK's choke points ({@code on}) or not, and why.
 */
public record SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
        List<String> trustedSigners, String jdk, int plugins, int refusedPlugins, String runtimeLayer) {

    public SecurityStatus {
        trustedSigners = List.copyOf(trustedSigners);
    }

    /** Without the run-time layer's state (before API 1.2). */
    public SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
            List<String> trustedSigners, String jdk, int plugins, int refusedPlugins) {
        this(mode, policyFile, policyError, trustStore, trustedSigners, jdk, plugins, refusedPlugins, "unknown");
    }
}
