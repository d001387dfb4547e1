package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.namespace.ExecutionEnvironmentNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * Finds the requirements of an unresolved bundle that nothing installed can satisfy, and says what
 * they are in plain words ("needs package com.example.foo [1.0,2) which no installed bundle exports").
 */
final class Requirements {

    private static final Pattern ATTRIBUTE = Pattern.compile("\\(([\\w.\\-]+)(>=|<=|=|~=)([^()]*)\\)");
    private static final Pattern NEGATED_ATTRIBUTE = Pattern.compile("\\(!\\(([\\w.\\-]+)(>=|<=|=)([^()]*)\\)\\)");

    private final BundleContext context;

    Requirements(BundleContext context) {
        this.context = context;
    }

    /** Mandatory requirements of {@code bundle} that no installed bundle (nor the JVM) provides. */
    List<String> unsatisfied(Bundle bundle) {
        List<String> missing = new ArrayList<>();
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return missing;
        }
        for (Requirement requirement : revision.getRequirements(null)) {
            if (isOptional(requirement) || !isResolveTime(requirement)) {
                continue;
            }
            if (!hasProvider(requirement, bundle)) {
                missing.add(describe(requirement));
            }
        }
        return missing;
    }

    private boolean hasProvider(Requirement requirement, Bundle requirer) {
        Filter filter = filterOf(requirement);
        for (Bundle candidate : context.getBundles()) {
            if (candidate.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            BundleRevision revision = candidate.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            for (Capability capability : revision.getCapabilities(requirement.getNamespace())) {
                if (filter == null || filter.matches(capability.getAttributes())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isOptional(Requirement requirement) {
        return Namespace.RESOLUTION_OPTIONAL.equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
    }

    private static boolean isResolveTime(Requirement requirement) {
        String effective = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
        return effective == null || Namespace.EFFECTIVE_RESOLVE.equals(effective);
    }

    private static Filter filterOf(Requirement requirement) {
        String filter = requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
        if (filter == null) {
            return null;
        }
        try {
            return FrameworkUtil.createFilter(filter);
        } catch (InvalidSyntaxException e) {
            return null;
        }
    }

    static String describe(Requirement requirement) {
        String namespace = requirement.getNamespace();
        String filter = requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        Map<String, String> equals = new java.util.LinkedHashMap<>();
        StringBuilder range = new StringBuilder();
        Matcher negated = NEGATED_ATTRIBUTE.matcher(filter);
        String withoutNegations = negated.replaceAll("");
        Matcher attribute = ATTRIBUTE.matcher(withoutNegations);
        while (attribute.find()) {
            String key = attribute.group(1);
            String op = attribute.group(2);
            if ("=".equals(op)) {
                equals.putIfAbsent(key, attribute.group(3));
            }
            if ("version".equals(key) && !"=".equals(op)) {
                range.append(range.length() == 0 ? "" : " ").append("version ").append(op).append(' ').append(attribute.group(3));
            }
        }
        negated.reset();
        while (negated.find()) {
            if ("version".equals(negated.group(1)) && ">=".equals(negated.group(2))) {
                range.append(range.length() == 0 ? "" : " ").append("version < ").append(negated.group(3));
            }
        }
        String versions = range.length() == 0 ? "" : " (" + range + ")";
        if (PackageNamespace.PACKAGE_NAMESPACE.equals(namespace)) {
            return "needs package " + equals.getOrDefault(namespace, filter) + versions
                    + ", which no installed bundle exports.";
        }
        if (ExecutionEnvironmentNamespace.EXECUTION_ENVIRONMENT_NAMESPACE.equals(namespace)) {
            return "needs Java " + filter + ", which this JVM (" + System.getProperty("java.version")
                    + ") does not provide.";
        }
        if ("osgi.wiring.bundle".equals(namespace)) {
            return "needs bundle " + equals.getOrDefault(namespace, filter) + versions + ", which is not installed.";
        }
        if ("osgi.extender".equals(namespace)) {
            return "needs extender " + equals.getOrDefault(namespace, filter) + versions + ", which is not installed.";
        }
        return "needs capability " + namespace + " " + filter + ", which nothing installed provides.";
    }
}
