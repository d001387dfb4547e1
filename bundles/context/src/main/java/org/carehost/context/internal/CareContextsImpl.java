package org.carehost.context.internal;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.carehost.context.ContextBinder;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.CareContexts;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What plugins see of the care context: the context bound to their work, read-only, and carried to their own
 * threads. Registered apart from {@link ContextBinder} (which plugins must never get) so that the security
 * manager can show this one to plugins.
 */
@Component(service = CareContexts.class)
public final class CareContextsImpl implements CareContexts {

    private final ContextBinder binder;

    @Activate
    public CareContextsImpl(@Reference ContextBinder binder) {
        this.binder = binder;
    }

    @Override
    public Optional<CareContext> current() {
        return binder.current();
    }

    @Override
    public <T> Callable<T> carry(Callable<T> work) {
        CareContext context = binder.current().orElse(null);
        return () -> {
            try (ContextBinder.Binding binding = binder.bind(context)) {
                return work.call();
            }
        };
    }

    @Override
    public Runnable carry(Runnable work) {
        CareContext context = binder.current().orElse(null);
        return () -> {
            try (ContextBinder.Binding binding = binder.bind(context)) {
                work.run();
            }
        };
    }
}
