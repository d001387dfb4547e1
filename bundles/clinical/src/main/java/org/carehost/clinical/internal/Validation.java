package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The plugins' validators before a write: every {@link Validator} service of the resource's type whose plugin is
 * enabled for the call's tenant, ordered by service ranking (highest first) then service id, each called through
 * {@link PluginCalls} (deadline, counters, quarantine) in the call's care context. A validator that throws or
 * overruns fails open or closed: the policy file's entry for the plugin in this tenant, else for the plugin, else
 * the plugin's own {@link Validator#REQUIRED} property (default required, so fail-closed).
 */
@Component(service = Validation.class)
public final class Validation {

    private final PluginCalls calls;
    private final PluginLimits limits;
    private final Tenants tenants;
    private final ContextBinder binder;
    private final ServiceTracker<Validator<?>, Validator<?>> validators;
    private final Map<ServiceReference<?>, Class<?>> types = new ConcurrentHashMap<>();

    @Activate
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Validation(BundleContext context, @Reference PluginCalls calls, @Reference PluginLimits limits,
            @Reference Tenants tenants, @Reference ContextBinder binder) {
        this.calls = calls;
        this.limits = limits;
        this.tenants = tenants;
        this.binder = binder;
        this.validators = new ServiceTracker(context, Validator.class, null) {
            @Override
            public void removedService(ServiceReference reference, Object service) {
                types.remove(reference);
                super.removedService(reference, service);
            }
        };
        validators.open(true);
    }

    @Deactivate
    void deactivate() {
        validators.close();
    }

    /** What the validators said of one write: errors reject it, warnings go back with it, the audit names each. */
    record Verdicts(String resourceType, List<ValidationIssue> errors, List<ValidationIssue> warnings,
            List<String> verdicts) {

        /** @throws ValidationException when an error was found */
        void requireNoErrors() {
            if (!errors.isEmpty()) {
                throw new ValidationException(resourceType, errors);
            }
        }

        /** For the audit record: each validator and its verdict, with the paths (never the text) of its issues. */
        String auditText() {
            return verdicts.isEmpty() ? null : "validators: " + String.join(", ", verdicts);
        }
    }

    /** Runs the validators of {@code type} on {@code resource}; never throws for what a validator does. */
    <T> Verdicts check(Class<T> type, String resourceType, T resource, CareContext context) {
        List<ValidationIssue> errors = new ArrayList<>();
        List<ValidationIssue> warnings = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        for (ServiceReference<Validator<?>> reference : ordered()) {
            Bundle plugin = reference.getBundle();
            Validator<?> validator = plugin == null ? null : validators.getService(reference);
            if (validator == null || !tenants.isEnabled(String.valueOf(plugin.getSymbolicName()), context.tenant())) {
                continue;
            }
            String name = plugin.getSymbolicName() + " " + plugin.getVersion();
            try {
                if (!type.equals(typeOf(reference, plugin, validator))) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Validator<T> typed = (Validator<T>) validator;
                List<ValidationIssue> issues = calls.call(plugin, "validator", "Validator.validate", () -> {
                    try (ContextBinder.Binding bound = binder.bind(context)) {
                        return typed.validate(resource);
                    }
                });
                verdicts.add(name + "=" + sort(plugin.getSymbolicName(), issues, errors, warnings));
            } catch (PluginCallException | RuntimeException failed) {
                boolean open = failsOpen(reference, plugin, context.tenant());
                String reason = failed instanceof PluginCallException call ? call.reason().name().toLowerCase()
                        : "failed";
                verdicts.add(name + "=" + reason + " (" + (open ? "fail-open" : "fail-closed") + ")");
                if (!open) {
                    errors.add(ValidationIssue.error(resourceType, plugin.getSymbolicName() + ": its validator could "
                            + "not check the " + resourceType + " (" + failed.getMessage() + "), and it fails closed: "
                            + "the write is refused (the policy's 'validation plugin " + plugin.getSymbolicName()
                            + " fail-open' lets writes through)"));
                }
            }
        }
        return new Verdicts(resourceType, errors, warnings, verdicts);
    }

    /** Sorts a validator's issues (each message naming the plugin) and says its verdict. */
    private static String sort(String plugin, List<ValidationIssue> issues, List<ValidationIssue> errors,
            List<ValidationIssue> warnings) {
        int found = 0;
        int bad = 0;
        List<String> paths = new ArrayList<>();
        for (ValidationIssue issue : issues == null ? List.<ValidationIssue>of() : issues) {
            if (issue == null) {
                continue;
            }
            ValidationIssue named = new ValidationIssue(issue.severity(), issue.path(), plugin + ": " + issue.message());
            found++;
            paths.add(issue.severity().name().toLowerCase() + " " + issue.path());
            if (issue.severity() == org.carehost.sdk.resource.Severity.ERROR) {
                bad++;
                errors.add(named);
            } else {
                warnings.add(named);
            }
        }
        if (found == 0) {
            return "ok";
        }
        return (bad > 0 ? "rejected" : "warnings") + " [" + String.join("; ", paths) + "]";
    }

    private Class<?> typeOf(ServiceReference<?> reference, Bundle plugin, Validator<?> validator)
            throws PluginCallException {
        Class<?> known = types.get(reference);
        if (known == null) {
            known = calls.call(plugin, "validator", "Validator.resourceType", validator::resourceType);
            if (known == null) {
                throw new IllegalStateException("its resourceType() returned null");
            }
            types.put(reference, known);
        }
        return known;
    }

    private boolean failsOpen(ServiceReference<?> reference, Bundle plugin, String tenant) {
        return limits.validatorFailsOpen(String.valueOf(plugin.getSymbolicName()), tenant)
                .orElseGet(() -> Boolean.FALSE.equals(required(reference.getProperty(Validator.REQUIRED))));
    }

    private static Boolean required(Object property) {
        if (property instanceof Boolean value) {
            return value;
        }
        return property == null ? Boolean.TRUE : !"false".equalsIgnoreCase(String.valueOf(property).trim());
    }

    private List<ServiceReference<Validator<?>>> ordered() {
        ServiceReference<Validator<?>>[] references = validators.getServiceReferences();
        if (references == null) {
            return List.of();
        }
        List<ServiceReference<Validator<?>>> list = new ArrayList<>(List.of(references));
        list.sort(Comparator.<ServiceReference<Validator<?>>>comparingInt(r -> ranking(r)).reversed()
                .thenComparingLong(r -> (Long) r.getProperty(Constants.SERVICE_ID)));
        return list;
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }
}
