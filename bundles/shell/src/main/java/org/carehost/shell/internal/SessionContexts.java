package org.carehost.shell.internal;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.carehost.context.ContextSource;
import org.carehost.sdk.context.CareContext;
import org.osgi.service.component.annotations.Component;

/**
 * The care context of each shell session ({@code context:set}), for the commands it runs: Gogo runs a command
 * on a thread of its own, where the running job leads back to the session. Commands of plugins run in it too.
 * Kept here, not in a session variable: a plugin command is handed the session, and must not be able to set,
 * clear or swap the context it runs in.
 */
@Component(service = { ContextSource.class, SessionContexts.class })
public final class SessionContexts implements ContextSource {

    private final Map<CommandSession, CareContext> contexts = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public Optional<CareContext> current() {
        Job job = Job.Utils.current();
        if (job == null) {
            return Optional.empty();
        }
        return of(job.session());
    }

    Optional<CareContext> of(CommandSession session) {
        return session == null ? Optional.empty() : Optional.ofNullable(contexts.get(session));
    }

    void set(CommandSession session, CareContext context) {
        if (context == null) {
            contexts.remove(session);
        } else {
            contexts.put(session, context);
        }
    }
}
