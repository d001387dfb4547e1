package org.carehost.shell.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.shell.OperatorShell;
import org.carehost.shell.RemoteSession;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.carehost.security.ContainerActors;

/**
 * Opens {@link GuardedSession}s on Gogo's command processor (Gogo's runtime is its implementation: the guard needs
 * its session class), with the plugin scope first as at the console, and audits each refusal as denied, and a stop of
 * the container that a remote session's line caused ({@link RemoteStopAudit}).
 */
@Component
public final class OperatorShellImpl implements OperatorShell {

    private final CommandProcessorImpl processor;
    private final AuditLog audit;
    private final BundleContext context;
    private final RemoteStopAudit stops;

    @Activate
    public OperatorShellImpl(BundleContext context, @Reference CommandProcessor processor, @Reference AuditLog audit,
            @Reference(service = LoggerFactory.class) Logger log) {
        if (!(processor instanceof CommandProcessorImpl impl)) {
            throw new IllegalStateException("The shell's command processor is not Gogo's runtime ("
                    + processor.getClass().getName() + "); remote sessions need it");
        }
        this.processor = impl;
        this.audit = audit;
        this.context = context;
        this.stops = new RemoteStopAudit(audit, log);
        context.addBundleListener(stops);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(stops);
    }

    @Override
    public RemoteSession open(Operator operator, String source, InputStream in, PrintStream out, PrintStream err) {
        GuardedSession session = new GuardedSession(processor, operator,
                refusal -> audit.append(new AuditEvent(ContainerActors.OPERATOR, null, operator.name(), null, null,
                        Role.text(operator.roles()), null, null, AuditAction.EXECUTE, "shell.command", "Command", null,
                        null, source, AuditOutcome.DENIED, refusal)),
                in, out, err, (line, command) -> stops.running(operator, source, line, command));
        session.put("SCOPE", "plugin:gogo:*");
        return session;
    }

    @Override
    public String printable(String text) {
        return text == null ? null : Text.printable(text);
    }

    @Override
    public List<String> commands(Operator operator) {
        return processor.getCommands().stream().map(command -> command.toLowerCase(Locale.ROOT))
                .filter(command -> CommandRoles.allowed(operator, command)).sorted().distinct().toList();
    }
}
