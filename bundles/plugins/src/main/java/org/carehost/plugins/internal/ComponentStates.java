package org.carehost.plugins.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.carehost.plugins.ComponentInfo;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** A plugin's Declarative Services components, in words, read from the SCR runtime DTOs. */
final class ComponentStates {

    private final ServiceComponentRuntime scr;
    private final ActivationFailures failures;
    private final Supplier<SecurityAdmin> security;

    ComponentStates(ServiceComponentRuntime scr, ActivationFailures failures, Supplier<SecurityAdmin> security) {
        this.scr = scr;
        this.failures = failures;
        this.security = security;
    }

    List<ComponentInfo> of(Bundle bundle) {
        List<ComponentInfo> components = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            components.add(new ComponentInfo(description.name, stateOf(description)));
        }
        return components;
    }

    /**
     * The components of the bundles with {@code bundleIds}, by bundle id, from one look at SCR: Felix SCR finds one
     * bundle's descriptions by going through every component it holds, so asking bundle by bundle made
     * {@code plugin:list} of N plugins cost N times all the components (seen in thread dumps of a list of 500).
     */
    java.util.Map<Long, List<ComponentInfo>> ofAll(java.util.Set<Long> bundleIds) {
        java.util.Map<Long, List<ComponentInfo>> all = new java.util.HashMap<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            // Only the bundles asked about: each component's state costs SCR a look at every bundle using its services
            if (!bundleIds.contains(description.bundle.id)) {
                continue;
            }
            all.computeIfAbsent(description.bundle.id, id -> new ArrayList<>())
                    .add(new ComponentInfo(description.name, stateOf(description)));
        }
        return all;
    }

    /**
     * Of the bundles with {@code bundleIds}, those with an immediate component SATISFIED but not active (its
     * constructor or activate method has not returned), by bundle id, to the component's name: one look at SCR, and
     * only immediate components' configurations asked for (see {@link #ofAll}).
     */
    java.util.Map<Long, String> activating(java.util.Set<Long> bundleIds) {
        java.util.Map<Long, String> activating = new java.util.HashMap<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.immediate || !bundleIds.contains(description.bundle.id)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.SATISFIED) {
                    activating.putIfAbsent(description.bundle.id, description.name);
                }
            }
        }
        return activating;
    }

    /** What is wrong with a component, as SCR's state says it. */
    enum Trouble {
        DISABLED, UNSATISFIED, FAILED_ACTIVATION, ACTIVATING
    }

    /** One component that is not active: what kind of trouble, which component, why in plain words. */
    record Problem(Trouble kind, String component, String reason) {

        String sentence() {
            return "component " + component + " " + reason;
        }
    }

    /** The components whose activate threw (SCR's FAILED_ACTIVATION state). */
    List<Problem> failedActivations(Bundle bundle) {
        return problemsOf(bundle).stream().filter(problem -> problem.kind() == Trouble.FAILED_ACTIVATION).toList();
    }

    /** The components that are enabled but unsatisfied (a missing reference or configuration). */
    List<Problem> unsatisfied(Bundle bundle) {
        return problemsOf(bundle).stream().filter(problem -> problem.kind() == Trouble.UNSATISFIED).toList();
    }

    /** Every component that is not active, from SCR's description and configuration DTOs. */
    List<Problem> problemsOf(Bundle bundle) {
        List<Problem> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            String name = description.name;
            if (!scr.isComponentEnabled(description)) {
                problems.add(new Problem(Trouble.DISABLED, name, "is disabled."));
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                if ("require".equals(description.configurationPolicy)) {
                    problems.add(new Problem(Trouble.UNSATISFIED, name, "needs a configuration (PID "
                            + String.join(", ", description.configurationPid) + ") and none exists."));
                }
                continue;
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                switch (configuration.state) {
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                        for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                            String service = interfaceOf(description, reference.name);
                            // bnd names a constructor parameter's reference '$000', '$001'...: not a name the
                            // developer wrote, so its position is said instead
                            String which = reference.name.matches("\\$\\d+")
                                    ? "the constructor's parameter " + (Integer.parseInt(reference.name.substring(1)) + 1)
                                    : "reference '" + reference.name + "'";
                            problems.add(new Problem(Trouble.UNSATISFIED, name, "waits for a service " + service
                                    + " (" + which
                                    + (reference.target == null ? "" : ", target " + reference.target)
                                    + "): " + hiddenBecause(bundle, service).orElse("none is registered") + "."));
                        }
                        break;
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                        problems.add(new Problem(Trouble.UNSATISFIED, name, "needs a configuration (PID "
                                + String.join(", ", description.configurationPid) + ") and none exists."));
                        break;
                    case ComponentConfigurationDTO.FAILED_ACTIVATION:
                        problems.add(new Problem(Trouble.FAILED_ACTIVATION, name,
                                "failed in activate: " + failureOf(bundle, configuration.failure)));
                        break;
                    case ComponentConfigurationDTO.SATISFIED:
                        if (description.immediate) {
                            problems.add(new Problem(Trouble.ACTIVATING, name,
                                    "is satisfied but not active: its activate has not returned."));
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        return problems;
    }

    private String stateOf(ComponentDescriptionDTO description) {
        if (!scr.isComponentEnabled(description)) {
            return "disabled";
        }
        var configurations = scr.getComponentConfigurationDTOs(description);
        if (configurations.isEmpty()) {
            return "require".equals(description.configurationPolicy) ? "unsatisfied configuration" : "satisfied";
        }
        int worst = Integer.MAX_VALUE;
        for (ComponentConfigurationDTO configuration : configurations) {
            worst = Math.min(worst, rank(configuration.state));
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            if (rank(configuration.state) == worst) {
                return words(configuration.state);
            }
        }
        return "unknown";
    }

    /** Lower is worse: a component with several configurations shows its worst one. */
    private static int rank(int state) {
        switch (state) {
            case ComponentConfigurationDTO.FAILED_ACTIVATION: return 0;
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION: return 1;
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: return 2;
            case ComponentConfigurationDTO.SATISFIED: return 3;
            default: return 4;
        }
    }

    static String words(int state) {
        switch (state) {
            case ComponentConfigurationDTO.ACTIVE: return "active";
            case ComponentConfigurationDTO.SATISFIED: return "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: return "unsatisfied reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION: return "unsatisfied configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION: return "failed activation";
            default: return "unknown";
        }
    }

    /** Why the security manager hides such services from this plugin ("missing permission read:patients"). */
    private Optional<String> hiddenBecause(Bundle bundle, String service) {
        SecurityAdmin admin = security.get();
        return admin == null ? Optional.empty() : admin.hiddenBecause(bundle, service);
    }

    private static String interfaceOf(ComponentDescriptionDTO description, String referenceName) {
        return Arrays.stream(description.references)
                .filter(reference -> reference.name.equals(referenceName))
                .map(reference -> reference.interfaceName)
                .findFirst()
                .orElse(referenceName);
    }

    private String failureOf(Bundle bundle, String dtoFailure) {
        String cause = rootCause(dtoFailure);
        if (cause.startsWith("java.lang.reflect.InvocationTargetException")) {
            String logged = failures.latest(bundle);
            return logged == null ? cause : logged;
        }
        return cause;
    }

    /**
     * The innermost "Caused by:" of a stack trace (DS wraps the activate exception in an
     * InvocationTargetException), else its first line.
     */
    static String rootCause(String stackTrace) {
        if (stackTrace == null) {
            return firstLine(null);
        }
        int cause = stackTrace.lastIndexOf("Caused by: ");
        return cause < 0 ? firstLine(stackTrace) : firstLine(stackTrace.substring(cause + "Caused by: ".length()));
    }

    static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no reason given)";
        }
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        return (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
    }
}
