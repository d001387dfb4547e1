package org.carehost.sdk.context;

import java.util.Optional;
import java.util.concurrent.Callable;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The care context of the work a plugin is doing, as the container set it: when it delivers an event, runs
 * a shell command or invokes the plugin for a user. Get it from the service registry. A plugin cannot set
 * a context; it can carry the current one to its own threads with {@link #carry}.
 */
@ProviderType
public interface CareContexts {

    /** The context the container bound to the current thread, if any. */
    Optional<CareContext> current();

    /**
     * Wraps {@code work} so that it runs in the context current now, on whichever thread runs it (an
     * executor, a timer). Without a current context the work runs without one.
     */
    <T> Callable<T> carry(Callable<T> work);

    /** {@link #carry(Callable)} for a Runnable. */
    Runnable carry(Runnable work);
}
