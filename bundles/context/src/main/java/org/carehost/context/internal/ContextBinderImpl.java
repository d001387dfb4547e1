package org.carehost.context.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.Set;
import java.util.UUID;

import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.context.ContextSource;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The context bound to each thread doing a plugin's work. One thread-local per instance (not static): the
 * container binds around the call into the plugin, and every host service on that thread reads the same one.
 * Without a binding, the {@link ContextSource}s (the shell's sessions) are asked; what they hold counts only if
 * this binder declared it, so a plugin that reaches a shell session cannot slip its own context in.
 * Plugins get {@link CareContextsImpl} instead, a registration of its own: the security manager hides a service
 * from plugins when any of its interfaces is the container's, as ContextBinder is.
 */
@Component(service = ContextBinder.class, configurationPid = "org.carehost.context",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ContextConfiguration.class)
public final class ContextBinderImpl implements ContextBinder {

    private final ThreadLocal<CareContext> bound = new ThreadLocal<>();
    private final Map<CareContext, Boolean> declared = Collections.synchronizedMap(new WeakHashMap<>());

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ContextSource> sources = List.of();

    private final Tenants tenants;
    private final Clock clock;
    private volatile Purpose unboundPurpose;

    @Activate
    public ContextBinderImpl(@Reference Tenants tenants, ContextConfiguration configuration,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this(tenants, clock);
        modified(configuration);
    }

    ContextBinderImpl(Tenants tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
        this.unboundPurpose = Purpose.TREATMENT;
    }

    @Modified
    void modified(ContextConfiguration configuration) {
        String purpose = configuration.unboundPurpose();
        unboundPurpose = "refuse".equalsIgnoreCase(purpose.strip()) ? null : Purpose.parse(purpose);
    }

    @Override
    public CareContext declare(String tenant, String user, Set<String> roles, Purpose purpose, String reason) {
        if (tenant == null || tenants.find(tenant).isEmpty()) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        CareContext context = new CareContext(tenant, user, roles, purpose, reason, UUID.randomUUID().toString(), now());
        declared.put(context, Boolean.TRUE);
        return context;
    }

    @Override
    public Binding bind(CareContext context) {
        CareContext before = bound.get();
        if (context == null) {
            bound.remove();
        } else {
            bound.set(context);
        }
        return () -> {
            if (before == null) {
                bound.remove();
            } else {
                bound.set(before);
            }
        };
    }

    @Override
    public Optional<CareContext> current() {
        CareContext context = bound.get();
        if (context != null) {
            return Optional.of(context);
        }
        for (ContextSource source : sources) {
            Optional<CareContext> found = source.current();
            if (found.isPresent() && declared.containsKey(found.get())) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public CareContext effective(String plugin) {
        Optional<CareContext> current = current();
        if (current.isPresent()) {
            return current.get();
        }
        Purpose purpose = unboundPurpose;
        if (purpose == null) {
            throw new PermissionDeniedException(plugin, "care-context", "the call carries no care context, and "
                    + "this container refuses calls outside one (unboundPurpose=refuse)");
        }
        return new CareContext(CareContext.DEFAULT_TENANT, null, Set.of(), purpose, null,
                UUID.randomUUID().toString(), now());
    }

    private Instant now() {
        return clock.instant();
    }
}
