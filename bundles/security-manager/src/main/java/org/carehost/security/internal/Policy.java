package org.carehost.security.internal;

import java.util.List;
import java.util.Map;

import org.carehost.security.SecurityMode;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The operator's policy as parsed from the policy file: the mode, grants per plugin (and version range) or per
 * signer, denials that override any grant, the packages plugins may import besides the defaults, quotas of
 * host-service calls per minute, and the distinct-patients-per-hour threshold of an access anomaly.
 */
record Policy(SecurityMode mode, List<Rule> grants, List<Rule> denials, List<String> allowedImports,
        Map<String, Long> quotas, long defaultQuota, long patientsPerHour) {

    /** Distinct patients a plugin may touch within an hour before an access anomaly is raised, by default. */
    static final long DEFAULT_PATIENTS_PER_HOUR = 1000;

    static final Policy DEVELOPMENT_DEFAULT = new Policy(SecurityMode.DEVELOPMENT, List.of(), List.of(), List.of(),
            Map.of(), 0, DEFAULT_PATIENTS_PER_HOUR);

    Policy {
        grants = List.copyOf(grants);
        denials = List.copyOf(denials);
        allowedImports = List.copyOf(allowedImports);
        quotas = Map.copyOf(quotas);
    }

    /** The plugin's host-service calls per minute (0: no quota). */
    long quota(String symbolicName) {
        return quotas.getOrDefault(symbolicName, defaultQuota);
    }

    /** Whom a rule is about: a plugin's symbolic name (with the versions it covers) or a signer's subject DN. */
    record Rule(boolean signer, String subject, VersionRange versions, long permissions) {

        boolean matches(String symbolicName, Version version, String signerDn) {
            if (signer) {
                return subject.equals(signerDn);
            }
            return subject.equals(symbolicName) && (versions == null || versions.includes(version));
        }
    }

    /** The permission bits the grant rules give this plugin (before intersecting with what it declares). */
    long granted(String symbolicName, Version version, String signerDn) {
        return union(grants, symbolicName, version, signerDn);
    }

    long denied(String symbolicName, Version version, String signerDn) {
        return union(denials, symbolicName, version, signerDn);
    }

    private static long union(List<Rule> rules, String symbolicName, Version version, String signerDn) {
        long bits = 0;
        for (Rule rule : rules) {
            if (rule.matches(symbolicName, version, signerDn)) {
                bits |= rule.permissions();
            }
        }
        return bits;
    }
}
