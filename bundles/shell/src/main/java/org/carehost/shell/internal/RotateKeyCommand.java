package org.carehost.shell.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.crypto.KeyRotation;
import org.carehost.sdk.audit.AuditAction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code security:rotate-key}: re-encrypts every stored resource under a new key and retires the old one.
 * A Gogo {@link Function}, because a command name with a hyphen cannot be a method name.
 */
@Component(service = Function.class, property = {
        "osgi.command.scope=security",
        "osgi.command.function=rotate-key",
        "carehost.command.help=Usage: security:rotate-key (no arguments). Re-encrypts every stored resource under a "
                + "new key and retires the old one; interrupted, run it again"
})
public final class RotateKeyCommand implements Function {

    private final KeyRotation rotation;
    private final ContextBinder binder;
    private final AuditLog log;

    @Activate
    public RotateKeyCommand(@Reference KeyRotation rotation, @Reference ContextBinder binder, @Reference AuditLog log) {
        this.rotation = rotation;
        this.binder = binder;
        this.log = log;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        if (arguments != null && !arguments.isEmpty()) {
            throw new IllegalArgumentException("security:rotate-key takes no arguments; it re-encrypts every stored "
                    + "resource under a new key and retires the old one (interrupted, run it again)");
        }
        String report = rotation.rotate();
        ActingOperator.audit(log, binder, AuditAction.EXECUTE, "security.rotate-key", null, null, null, report);
        return report;
    }
}
