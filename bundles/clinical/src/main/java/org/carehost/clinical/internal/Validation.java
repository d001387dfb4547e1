package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.context.ContextBinder;
import org.carehost.clinical.ValidatorChoices;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.security.PluginLimits;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The plugins' validators before a write: every {@link Validator} service of the resource's type whose plugin is
 * enabled for the call's tenant, ordered by service ranking (highest first) then service id, each called through
 * {@link PluginCalls} (deadline, counters, quarantine) in the call's care context. A validator that throws or
 * overruns fails open or closed: the tenant's own setting for the plugin ({@code tenant:validation}), else the policy
 * file's entry for the plugin in this tenant, else for the plugin, else the plugin's own {@link Validator#REQUIRED}
 * property (default required, so fail-closed).
 * <p>
 * The validators are {@link PluginCalls#services(Class)}: while a validator's plugin is being updated (or hot
 * reloaded), its validator is still listed, and the call to it waits for the new version and runs on it, so no write
 * slips through unvalidated in between, and none is refused because of the update itself.
 */
@Component(service = Validation.class)
public final class Validation {

    private final PluginCalls calls;
    private final PluginLimits limits;
    private final Tenants tenants;
    private final ValidatorChoices choices;
    private final ContextBinder binder;
    private final ValidatorFailureLog failureLog;
    private final PermissionGuard guard;
    /** Each validator's resource type, by service id (an awaited validator keeps its old version's). */
    private final Map<Long, Class<?>> types = new ConcurrentHashMap<>();

    @Activate
    public Validation(@Reference PluginCalls calls, @Reference PluginLimits limits, @Reference Tenants tenants,
            @Reference ContextBinder binder, @Reference ValidatorChoices choices, @Reference PermissionGuard guard,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.guard = guard;
        this.choices = choices;
        this.calls = calls;
        this.limits = limits;
        this.tenants = tenants;
        this.binder = binder;
        this.failureLog = new ValidatorFailureLog(log);
    }

    /** The permission a validator's plugin needs to be given a resource of each type the host validates. */
    static final Map<Class<?>, Permission> READS = Map.of(org.carehost.sdk.patient.Patient.class,
            Permission.READ_PATIENTS, org.carehost.sdk.appointment.Appointment.class, Permission.READ_APPOINTMENTS);

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
        for (PluginService<Validator<?>> reference : ordered()) {
            Bundle plugin = reference.plugin();
            if (!tenants.isEnabled(String.valueOf(plugin.getSymbolicName()), context.tenant())) {
                continue;
            }
            String name = plugin.getSymbolicName() + " " + plugin.getVersion();
            try {
                if (!type.equals(typeOf(reference, plugin))) {
                    continue;
                }
                Permission reads = READS.get(type);
                if (reads == null || !guard.grantsOf(plugin).holds(reads)) {
                    // a validator is given every resource written (red team 21: a plugin holding nothing read every
                    // patient so): not given one its plugin may not read, which counts as a validator that could not
                    // check it (fail-open or fail-closed as chosen)
                    throw new IllegalStateException("it does not hold " + (reads == null ? "a permission to read "
                            + resourceType + "s" : reads.id()) + ", so it is not given the " + resourceType
                            + (reads == null ? "" : " (plugin:grant " + plugin.getSymbolicName() + " " + reads.id() + ")"));
                }
                String[] ran = new String[1];
                // copied inside the call: the writer's thread never runs the plugin's code (ValidatorResults)
                List<ValidationIssue> issues = calls.call(reference, "validator", "Validator.validate", validator -> {
                    ran[0] = plugin.getSymbolicName() + " " + plugin.getVersion(); // the version that ran it
                    @SuppressWarnings("unchecked")
                    Validator<T> typed = (Validator<T>) validator;
                    try (ContextBinder.Binding bound = binder.bind(context)) {
                        return ValidatorResults.copy(typed.validate(resource));
                    }
                });
                verdicts.add(ran[0] + "=" + sort(plugin.getSymbolicName(), issues, errors, warnings));
            } catch (PluginCallException | RuntimeException failed) {
                boolean open = failsOpen(reference, plugin, context.tenant());
                String reason = failed instanceof PluginCallException call ? call.reason().name().toLowerCase()
                        : "failed";
                verdicts.add(name + "=" + reason + " (" + (open ? "fail-open" : "fail-closed") + ")");
                failureLog.failed(plugin.getSymbolicName(), plugin.getBundleId(), resourceType, context.tenant(), reason, open);
                if (!open) {
                    errors.add(ValidationIssue.error(resourceType, plugin.getSymbolicName() + ": its validator could "
                            + "not check the " + resourceType + " (" + failed.getMessage() + "), and it fails closed: "
                            + "the write is refused (the tenant's 'tenant:validation " + plugin.getSymbolicName()
                            + " --tenant " + context.tenant() + " fail-open', or the policy's 'validation plugin "
                            + plugin.getSymbolicName() + " fail-open', lets writes through)"));
                }
            }
        }
        return new Verdicts(resourceType, errors, warnings, verdicts);
    }

    /** Sorts a validator's issues (its copy, {@link ValidatorResults}; each message naming the plugin): its verdict. */
    private static String sort(String plugin, List<ValidationIssue> issues, List<ValidationIssue> errors,
            List<ValidationIssue> warnings) {
        int found = 0;
        int bad = 0;
        List<String> paths = new ArrayList<>();
        for (ValidationIssue issue : issues) {
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

    private Class<?> typeOf(PluginService<Validator<?>> reference, Bundle plugin) throws PluginCallException {
        Class<?> known = types.get(reference.serviceId());
        if (known == null) {
            known = calls.call(reference, "validator", "Validator.resourceType", Validator::resourceType);
            if (known == null) {
                throw new IllegalStateException("its resourceType() returned null");
            }
            types.put(reference.serviceId(), known);
        }
        return known;
    }

    private boolean failsOpen(PluginService<?> reference, Bundle plugin, String tenant) {
        String name = String.valueOf(plugin.getSymbolicName());
        return choices.failsOpen(tenant, name)
                .or(() -> limits.validatorFailsOpen(name, tenant))
                .orElseGet(() -> Boolean.FALSE.equals(required(reference.property(Validator.REQUIRED))));
    }

    /**
     * The plugin's {@link Validator#REQUIRED}: a Boolean, or a String saying {@code false}; anything else (an object of
     * the plugin's, whose {@code toString} would be its code on the writer's thread) is not read: required.
     */
    static Boolean required(Object property) {
        if (property instanceof Boolean value) {
            return value;
        }
        return !(property instanceof String text && "false".equalsIgnoreCase(text.trim()));
    }

    private List<PluginService<Validator<?>>> ordered() {
        List<PluginService<Validator<?>>> list = PluginServices.ordered(calls, Validator.class);
        if (types.size() > list.size()) { // forget the types of validators gone (an update registers new ids)
            types.keySet().retainAll(list.stream().map(PluginService::serviceId).toList());
        }
        return list;
    }
}
