package org.carehost.security.internal;

import java.util.List;

import org.carehost.security.internal.ApiScanner.Findings;

/**
 * What the security manager learned from one revision of a plugin: its declared permissions (and any names
 * it declared that do not exist), its signature, and the guarded APIs its code reaches. Computed once per
 * revision; what the plugin may do then also depends on the policy in force. {@code untrustedSigner} says why a
 * signed jar's chains make no trusted signer (null when one does, or when it is unsigned or broken).
 */
record Inspection(long lastModified, long declared, List<String> unknownNames, String signatureProblem,
        String trustedSigner, String untrustedSigner, boolean signed, Findings findings,
        List<String> entryPointProblems) {

    Inspection {
        unknownNames = List.copyOf(unknownNames);
        entryPointProblems = List.copyOf(entryPointProblems);
    }
}
