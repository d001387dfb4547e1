package org.carehost.catalog;

import java.util.List;

/**
 * Everything the catalogs know about one plugin: each offered version (newest first), the dependencies the newest
 * one needs from the catalogs (as the resolver sees it now; empty with {@code dependencyProblem} when it cannot be
 * resolved), the installed version ({@code null} if none), and the current tenant's reviews.
 */
public record PluginDetails(String symbolicName, List<Offer> versions, List<Offer> dependencies,
        String dependencyProblem, String installedVersion, List<Review> reviews, List<String> conflicts) {

    public PluginDetails {
        versions = List.copyOf(versions);
        dependencies = List.copyOf(dependencies);
        reviews = List.copyOf(reviews);
        conflicts = List.copyOf(conflicts);
    }
}
