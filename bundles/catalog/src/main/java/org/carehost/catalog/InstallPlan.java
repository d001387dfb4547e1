package org.carehost.catalog;

import java.util.List;

/**
 * What installing a plugin takes: the bundles to install, dependencies first, each with the permissions it asks for
 * and its signer. Bundles already installed that satisfy a requirement are not in it.
 */
public record InstallPlan(String plugin, List<PlanStep> steps) {

    public InstallPlan {
        steps = List.copyOf(steps);
    }
}
