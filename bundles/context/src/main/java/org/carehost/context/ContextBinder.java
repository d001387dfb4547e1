package org.carehost.context;

import java.util.Optional;
import java.util.Set;

import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Binds care contexts to the threads that do a plugin's work. The container declares a context when a user
 * acts (a shell session, an event carrying one) and binds it around the call into the plugin; host services
 * read it with {@link #effective}. Only container bundles see this service, so a plugin cannot bind one.
 */
@ProviderType
public interface ContextBinder {

    /**
     * A new context with a fresh correlation id, declared now.
     *
     * @throws IllegalArgumentException when the tenant does not exist or a value is invalid (the message says which)
     */
    CareContext declare(String tenant, String user, Set<String> roles, Purpose purpose, String reason);

    /**
     * Binds {@code context} to this thread (null: none) until the binding is closed, which restores what was
     * bound before.
     */
    Binding bind(CareContext context);

    /** The context bound to this thread, if any. */
    Optional<CareContext> current();

    /**
     * The context a host-service call of {@code plugin} runs in: the bound one; when none is bound, the plugin
     * acting on its own in the default tenant with the configured purpose.
     *
     * @throws PermissionDeniedException when none is bound and the configuration requires one
     */
    CareContext effective(String plugin);

    /** A bound context; closing it unbinds. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
