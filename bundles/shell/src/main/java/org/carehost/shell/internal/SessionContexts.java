package org.carehost.shell.internal;

import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.context.ContextSource;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Reference;

/**
 * The care context of each shell session ({@code context:set}), for the commands it runs: Gogo runs a command
 * on a thread of its own, where the running job leads back to the session. Commands of plugins run in it too.
 * Kept here, not in a session variable: a plugin command is handed the session, and must not be able to set,
 * clear or swap the context it runs in.
 *
 * <p>Every session acts as a person: a remote session as the operator who logged in ({@link GuardedSession}), any
 * other session as the one who started the container (the local console: the OS user, an admin). Until
 * {@code context:set}, a session's context names that person with their roles, in the default tenant (a hospital
 * admin: their first tenant) for treatment.
 */
@Component(service = { ContextSource.class, SessionContexts.class })
public final class SessionContexts implements ContextSource {

    private final Map<CommandSession, CareContext> contexts = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<CommandSession, CareContext> defaults = Collections.synchronizedMap(new WeakHashMap<>());
    private final Operator console;

    /**
     * The binder is looked up when a session first needs its default context, not referenced: the binder asks this
     * component for contexts (a greedy reference of its own), and a reference back is a cycle that SCR resolves by
     * leaving one side unbound, depending on which activates first.
     */
    private final BundleContext bundleContext;

    @Activate
    public SessionContexts(BundleContext bundleContext, @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.bundleContext = bundleContext;
        this.console = new Operator(consoleUser(System.getProperty("user.name")), Set.of(Role.ADMIN), Set.of(), false,
                false, clock.instant(), "console");
    }

    /** The OS user's name as a care-context user id (characters it does not allow become '_'). */
    static String consoleUser(String osUser) {
        String name = osUser == null || osUser.isBlank() ? "console" : osUser.strip();
        name = name.replaceAll("[^A-Za-z0-9._@-]", "_");
        if (!Character.isLetterOrDigit(name.charAt(0))) {
            name = "u" + name;
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    @Override
    public Optional<CareContext> current() {
        Job job = Job.Utils.current();
        if (job == null) {
            return Optional.empty();
        }
        return of(job.session());
    }

    /** Who acts in {@code session}: the remote operator, or the local console's OS user. */
    Operator operator(CommandSession session) {
        Operator remote = GuardedSession.operatorOf(session);
        return remote != null ? remote : console;
    }

    Optional<CareContext> of(CommandSession session) {
        if (session == null) {
            return Optional.empty();
        }
        CareContext set = contexts.get(session);
        return set != null ? Optional.of(set) : Optional.ofNullable(defaults.computeIfAbsent(session, this::defaultContext));
    }

    boolean explicit(CommandSession session) {
        return session != null && contexts.containsKey(session);
    }

    private CareContext defaultContext(CommandSession session) {
        ServiceReference<ContextBinder> reference = bundleContext.getServiceReference(ContextBinder.class);
        ContextBinder declaring = reference == null ? null : bundleContext.getService(reference);
        if (declaring == null) {
            return null;
        }
        try {
            Operator operator = operator(session);
            String tenant = operator.isAdmin() || operator.tenants().isEmpty() ? CareContext.DEFAULT_TENANT
                    : operator.tenants().stream().sorted().findFirst().orElseThrow();
            return declaring.declare(tenant, operator.name(), roles(operator), Purpose.TREATMENT, null);
        } finally {
            bundleContext.ungetService(reference);
        }
    }

    static Set<String> roles(Operator operator) {
        return operator.roles().stream().map(Role::code).collect(Collectors.toSet());
    }

    void set(CommandSession session, CareContext context) {
        if (context == null) {
            contexts.remove(session);
        } else {
            contexts.put(session, context);
        }
    }
}
