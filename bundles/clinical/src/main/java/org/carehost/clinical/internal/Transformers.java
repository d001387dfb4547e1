package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.plugin.Transformer;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugins' transformers on the import path: every {@link Transformer} service whose input and output types are
 * both the imported type (a {@code Transformer<Patient, Patient>}) and whose plugin is enabled for the call's tenant,
 * ordered by service ranking (highest first) then service id, each called through {@link PluginCalls} (kind
 * {@code transformer}: deadline, counters, quarantine) in the call's care context, each one's output the next one's
 * input. A transformer that throws, overruns or returns nothing fails the import of that resource: the host never
 * stores a resource a transformer it was meant to pass through could not shape. While a transformer's plugin is being
 * updated, its calls wait for the new version (as validators' do, {@link PluginCalls#services(Class)}), so an import
 * during a hot reload is neither refused nor stored untransformed.
 */
@Component(service = Transformers.class)
public final class Transformers {

    private final PluginCalls calls;
    private final Tenants tenants;
    private final ContextBinder binder;
    private final PermissionGuard guard;
    /** Per service id: its input and output type, asked once. */
    private final Map<Long, List<Class<?>>> types = new ConcurrentHashMap<>();

    @Activate
    public Transformers(@Reference PluginCalls calls, @Reference Tenants tenants, @Reference ContextBinder binder,
            @Reference PermissionGuard guard) {
        this.guard = guard;
        this.calls = calls;
        this.tenants = tenants;
        this.binder = binder;
    }

    /** The permission a transformer's plugin needs, besides reading them, to change resources of each type. */
    static final Map<Class<?>, Permission> WRITES = Map.of(org.carehost.sdk.patient.Patient.class,
            Permission.WRITE_PATIENTS, org.carehost.sdk.appointment.Appointment.class, Permission.WRITE_APPOINTMENTS);

    /** A resource after the transformers, and which ran ({@code <plugin> <version>}, in order). */
    record Transformed<T>(T resource, List<String> applied) {

        /** For the audit record. */
        String auditText() {
            return applied.isEmpty() ? null : "transformers: " + String.join(", ", applied);
        }
    }

    /** A transformer could not shape the resource; the message names it and what it did. */
    static final class TransformFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransformFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the enabled transformers of {@code type} on {@code resource}.
     *
     * @throws TransformFailedException when one throws, overruns its deadline, is quarantined or returns null
     */
    <T> Transformed<T> apply(Class<T> type, T resource, CareContext context) {
        T current = resource;
        List<String> applied = new ArrayList<>();
        List<PluginService<Transformer<?, ?>>> found = PluginServices.ordered(calls, Transformer.class);
        if (types.size() > found.size()) { // forget the types of transformers gone (an update registers new ids)
            types.keySet().retainAll(found.stream().map(PluginService::serviceId).toList());
        }
        for (PluginService<Transformer<?, ?>> reference : found) {
            Bundle plugin = reference.plugin();
            if (!tenants.isEnabled(String.valueOf(plugin.getSymbolicName()), context.tenant())) {
                continue;
            }
            String name = plugin.getSymbolicName() + " " + plugin.getVersion();
            try {
                List<Class<?>> io = typesOf(reference);
                if (!type.equals(io.get(0)) || !type.equals(io.get(1))) {
                    continue;
                }
                Permission reads = Validation.READS.get(type);
                Permission writes = WRITES.get(type);
                if (reads == null || writes == null || !guard.grantsOf(plugin).holds(reads)
                        || !guard.grantsOf(plugin).holds(writes)) {
                    // it is given the resource and what it returns is stored (red team 21: a plugin holding nothing
                    // read every patient imported and changed their birth dates)
                    throw new TransformFailedException(name + ": its transformer is not given the "
                            + type.getSimpleName() + ": it does not hold " + (reads == null || writes == null
                            ? "a permission to read and write them" : reads.id() + " and " + writes.id())
                            + "; nothing of this resource was stored (plugin:grant " + plugin.getSymbolicName() + " "
                            + (reads == null || writes == null ? "..." : reads.id() + " " + writes.id())
                            + ", or plugin:disable it for the tenant)", null);
                }
                T input = current;
                String[] ran = new String[1];
                Object output = calls.call(reference, "transformer", "Transformer.transform", transformer -> {
                    ran[0] = plugin.getSymbolicName() + " " + plugin.getVersion(); // the version that ran it
                    @SuppressWarnings("unchecked")
                    Transformer<T, T> typed = (Transformer<T, T>) transformer;
                    try (ContextBinder.Binding bound = binder.bind(context)) {
                        return typed.transform(input);
                    }
                });
                if (!type.isInstance(output)) {
                    throw new TransformFailedException(name + ": its transformer returned " + (output == null ? "null"
                            : output.getClass().getName()) + " instead of a " + type.getSimpleName()
                            + "; nothing of this resource was stored (fix the plugin or plugin:disable it)", null);
                }
                current = type.cast(output);
                applied.add(ran[0]);
            } catch (PluginCallException | RuntimeException failed) {
                if (failed instanceof TransformFailedException known) {
                    throw known;
                }
                throw new TransformFailedException(name + ": its transformer could not transform the "
                        + type.getSimpleName() + " (" + failed.getMessage() + "); nothing of this resource was stored "
                        + "(fix the plugin, or plugin:disable it for the tenant)", failed);
            }
        }
        return new Transformed<>(current, applied);
    }

    private List<Class<?>> typesOf(PluginService<Transformer<?, ?>> reference) throws PluginCallException {
        List<Class<?>> known = types.get(reference.serviceId());
        if (known == null) {
            Class<?> in = calls.call(reference, "transformer", "Transformer.inputType", Transformer::inputType);
            Class<?> out = calls.call(reference, "transformer", "Transformer.outputType", Transformer::outputType);
            if (in == null || out == null) {
                throw new IllegalStateException("its inputType() or outputType() returned null");
            }
            known = List.of(in, out);
            types.put(reference.serviceId(), known);
        }
        return known;
    }
}
