package org.carehost.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code plugin:permissions} shows for one plugin: declared, granted, used so far, denied so far (per
 * permission), the trusted signer if any, why it is refused if it is, and its quota of host-service calls per
 * minute (0: none).
 */
public record PermissionReport(String plugin, String version, Set<String> declared, Set<String> granted,
        Set<String> used, Map<String, Long> denied, String signer, List<String> refusals, long quotaPerMinute) {

    public PermissionReport {
        declared = Set.copyOf(declared);
        granted = Set.copyOf(granted);
        used = Set.copyOf(used);
        denied = Map.copyOf(denied);
        refusals = List.copyOf(refusals);
    }
}
