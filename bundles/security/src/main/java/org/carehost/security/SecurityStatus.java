package org.carehost.security;

import java.util.List;

/**
 * What {@code security:status} shows. {@code policyError} is the reason the policy file was last refused, or null:
 * refused while the container ran, the previous policy stays in force; refused at the start ({@code failedClosed}),
 * there was none, and nothing is granted (production mode) until the file is fixed. {@code runtimeLayer} says whether
 * the run-time enforcement agent is checking plugins' calls at the JDK's choke points ({@code on}) or not, and why.
 */
public record SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
        List<String> trustedSigners, String jdk, int plugins, int refusedPlugins, String runtimeLayer,
        boolean failedClosed) {

    public SecurityStatus {
        trustedSigners = List.copyOf(trustedSigners);
    }

    /** Without whether the policy failed closed (before API 1.9). */
    public SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
            List<String> trustedSigners, String jdk, int plugins, int refusedPlugins, String runtimeLayer) {
        this(mode, policyFile, policyError, trustStore, trustedSigners, jdk, plugins, refusedPlugins, runtimeLayer,
                false);
    }

    /** Without the run-time layer's state (before API 1.2). */
    public SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
            List<String> trustedSigners, String jdk, int plugins, int refusedPlugins) {
        this(mode, policyFile, policyError, trustStore, trustedSigners, jdk, plugins, refusedPlugins, "unknown");
    }
}
