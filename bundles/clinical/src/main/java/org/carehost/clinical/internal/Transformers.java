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
import org.carehost.sdk.plugin.Transformer;
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
 * The plugins' transformers on the import path: every {@link Transformer} service whose input and output types are
 * both the imported type (a {@code Transformer<Patient, Patient>}) and whose plugin is enabled for the call's tenant,
 * ordered by service ranking (highest first) then service id, each called through {@link PluginCalls} (kind
 * {@code transformer}: deadline, counters, quarantine) in the call's care context, each one's output the next one's
 * input. A transformer that throws, overruns or returns nothing fails the import of that resource: the host never
 * stores a resource a transformer it was meant to pass through could not shape.
 */
@Component(service = Transformers.class)
public final class Transformers {

    private final PluginCalls calls;
    private final Tenants tenants;
    private final ContextBinder binder;
    private final ServiceTracker<Transformer<?, ?>, Transformer<?, ?>> transformers;
    /** Per service: its input and output type, asked once. */
    private final Map<ServiceReference<?>, List<Class<?>>> types = new ConcurrentHashMap<>();

    @Activate
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Transformers(BundleContext context, @Reference PluginCalls calls, @Reference Tenants tenants,
            @Reference ContextBinder binder) {
        this.calls = calls;
        this.tenants = tenants;
        this.binder = binder;
        this.transformers = new ServiceTracker(context, Transformer.class, null) {
            @Override
            public void removedService(ServiceReference reference, Object service) {
                types.remove(reference);
                super.removedService(reference, service);
            }
        };
        transformers.open(true);
    }

    @Deactivate
    void deactivate() {
        transformers.close();
    }

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
        for (ServiceReference<Transformer<?, ?>> reference : ordered()) {
            Bundle plugin = reference.getBundle();
            Transformer<?, ?> transformer = plugin == null ? null : transformers.getService(reference);
            if (transformer == null || !tenants.isEnabled(String.valueOf(plugin.getSymbolicName()), context.tenant())) {
                continue;
            }
            String name = plugin.getSymbolicName() + " " + plugin.getVersion();
            try {
                List<Class<?>> io = typesOf(reference, plugin, transformer);
                if (!type.equals(io.get(0)) || !type.equals(io.get(1))) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Transformer<T, T> typed = (Transformer<T, T>) transformer;
                T input = current;
                Object output = calls.call(plugin, "transformer", "Transformer.transform", () -> {
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
                applied.add(name);
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

    private List<Class<?>> typesOf(ServiceReference<?> reference, Bundle plugin, Transformer<?, ?> transformer)
            throws PluginCallException {
        List<Class<?>> known = types.get(reference);
        if (known == null) {
            Class<?> in = calls.call(plugin, "transformer", "Transformer.inputType", transformer::inputType);
            Class<?> out = calls.call(plugin, "transformer", "Transformer.outputType", transformer::outputType);
            if (in == null || out == null) {
                throw new IllegalStateException("its inputType() or outputType() returned null");
            }
            known = List.of(in, out);
            types.put(reference, known);
        }
        return known;
    }

    private List<ServiceReference<Transformer<?, ?>>> ordered() {
        ServiceReference<Transformer<?, ?>>[] references = transformers.getServiceReferences();
        if (references == null) {
            return List.of();
        }
        List<ServiceReference<Transformer<?, ?>>> list = new ArrayList<>(List.of(references));
        list.sort(Comparator.<ServiceReference<Transformer<?, ?>>>comparingInt(Transformers::ranking).reversed()
                .thenComparingLong(r -> (Long) r.getProperty(Constants.SERVICE_ID)));
        return list;
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }
}
