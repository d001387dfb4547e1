package org.carehost.security;

import java.util.List;

/**
 * What {@code security:status} shows. {@code policyError} is the reason the policy file was last refused (the
 * previous policy then stays in force), or null.
 */
public record SecurityStatus(SecurityMode mode, String policyFile, String policyError, String trustStore,
        List<String> trustedSigners, String jdk, int plugins, int refusedPlugins) {

    public SecurityStatus {
        trustedSigners = List.copyOf(trustedSigners);
    }
}
