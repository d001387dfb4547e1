package org.carehost.shell.internal;

import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.carehost.context.ContextSource;
import org.carehost.sdk.context.CareContext;
import org.osgi.service.component.annotations.Component;

/**
 * The care context of each shell session ({@code context:set}), for the commands it runs: Gogo runs a command
 * on a thread of its own, where the running job leads back to the session. Commands of plugins run in it too.
 */
@Component(service = { ContextSource.class, SessionContexts.class })
public final class SessionContexts implements ContextSource {

    /** Session variable; a leading dot keeps it out of the shell's variable listing. */
    static final String KEY = ".carehost.context";

    @Override
    public Optional<CareContext> current() {
        Job job = Job.Utils.current();
        if (job == null) {
            return Optional.empty();
        }
        return of(job.session());
    }

    Optional<CareContext> of(CommandSession session) {
        Object value = session == null ? null : session.get(KEY);
        return value instanceof CareContext context ? Optional.of(context) : Optional.empty();
    }

    void set(CommandSession session, CareContext context) {
        if (context == null) {
            session.put(KEY, null);
        } else {
            session.put(KEY, context);
        }
    }
}
