package org.carehost.shell.internal;

import java.util.concurrent.Callable;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.security.ContainerActors;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.log.Logger;

/**
 * Audits a stop of the container that a remote operator's command caused ({@code felix:stop 0}, a method call on the
 * framework: {@code exit} no longer does), naming them, and says so in the log. Which command it was is known from
 * state, not from the text of the line: while a remote session runs a line, this thread (and every thread it
 * starts: Gogo's pipes, and the framework's own shutdown thread, which {@code Bundle.stop()} of the system bundle
 * starts and returns) carries who runs what ({@link InheritableThreadLocal}); the system bundle's STOPPING event,
 * delivered synchronously on that shutdown thread before any bundle (the audit log's) stops, reads it. A stop by
 * anything else (SIGTERM, the console) carries nothing and is not attributed. One per {@link OperatorShellImpl}.
 */
final class RemoteStopAudit implements SynchronousBundleListener {

    /** Who runs which line from where; inherited by the threads the line starts. */
    private record Acting(Operator operator, String source, String line) {
    }

    private final InheritableThreadLocal<Acting> acting = new InheritableThreadLocal<>();
    private final AuditLog audit;
    private final Logger log;

    RemoteStopAudit(AuditLog audit, Logger log) {
        this.audit = audit;
        this.log = log;
    }

    /** Runs {@code line} of {@code operator}'s remote session, so that a stop it causes is attributed to them. */
    <T> T running(Operator operator, String source, CharSequence line, Callable<T> command) throws Exception {
        Acting before = acting.get();
        acting.set(new Acting(operator, source, String.valueOf(line)));
        try {
            return command.call();
        } finally {
            acting.set(before);
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPING || event.getBundle().getBundleId() != 0) {
            return;
        }
        Acting who = acting.get();
        if (who == null) {
            return;
        }
        String line = Text.printable(who.line().length() > 200 ? who.line().substring(0, 200) + "…" : who.line());
        log.warn("The container stops: {} ran '{}' over {}", who.operator().name(), line, who.source());
        audit.append(new AuditEvent(ContainerActors.OPERATOR, null, who.operator().name(), null, null,
                Role.text(who.operator().roles()), null, null, AuditAction.EXECUTE, "container.stop", "Container",
                null, null, who.source(), AuditOutcome.SUCCESS, "the container stops: " + who.operator().name()
                        + " ran '" + line + "' in a remote session"));
    }
}
