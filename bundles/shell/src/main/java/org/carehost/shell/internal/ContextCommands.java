package org.carehost.shell.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.operators.Operator;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.carehost.security.ContainerActors;

/**
 * The {@code context:} scope: the care context this shell session works in (tenant, user, roles, purpose),
 * for the container's commands and for the plugins' commands it runs.
 */
@Component(service = ContextCommands.class, property = {
        "osgi.command.scope=context",
        "osgi.command.function=set",
        "osgi.command.function=show",
        "osgi.command.function=clear"
})
public final class ContextCommands {

    private final ContextBinder binder;
    private final SessionContexts sessions;
    private final AuditLog audit;

    @Activate
    public ContextCommands(@Reference ContextBinder binder, @Reference SessionContexts sessions,
            @Reference AuditLog audit) {
        this.binder = binder;
        this.sessions = sessions;
        this.audit = audit;
    }

    @Descriptor("set this session's care context; emergency (break-glass) needs --reason and a --user")
    public String set(CommandSession session,
            @Descriptor("tenant (hospital) id") @Parameter(names = {"-t", "--tenant"}, absentValue = CareContext.DEFAULT_TENANT) String tenant,
            @Descriptor("acting user id (yourself unless you are an admin acting for someone)") @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
            @Descriptor("roles, comma-separated") @Parameter(names = {"-r", "--roles"}, absentValue = "") String roles,
            @Descriptor("treatment, payment, operations, research or emergency") @Parameter(names = {"-p", "--purpose"}, absentValue = "treatment") String purpose,
            @Descriptor("why (required for emergency)") @Parameter(names = {"--reason"}, absentValue = "") String reason) {
        Operator operator = sessions.operator(session);
        if (!operator.isAdmin() && !operator.administers(tenant) && !operator.tenants().isEmpty()) {
            throw new SecurityException("Refused: " + operator.name() + " does not administer tenant '" + tenant + "'");
        }
        String acting = user.isBlank() ? operator.name() : user.strip();
        Set<String> roleSet = new TreeSet<>(roles.isBlank() ? Set.of()
                : Arrays.stream(roles.split(",")).map(String::strip).filter(r -> !r.isEmpty()).collect(Collectors.toSet()));
        roleSet.addAll(SessionContexts.roles(operator));
        if (!acting.equals(operator.name())) {
            // Acting for someone else (an integration account): admins only, and every record of it says so.
            if (!operator.isAdmin()) {
                throw new SecurityException("Refused: " + operator.name() + " may set only their own user ("
                        + operator.name() + "); acting for another user needs the admin role");
            }
            roleSet.add("via@" + operator.name());
        }
        CareContext context = binder.declare(tenant, acting, roleSet, Purpose.parse(purpose),
                reason.isBlank() ? null : reason);
        sessions.set(session, context);
        if (!acting.equals(operator.name())) {
            audit.append(new AuditEvent(ContainerActors.OPERATOR, null, operator.name(), context.purpose().code(), context.tenant(),
                    context.rolesText(), context.correlationId(), null, AuditAction.EXECUTE, "context.act-for", "User",
                    acting, null, null, AuditOutcome.SUCCESS, operator.name() + " acts for " + acting));
        }
        return "Care context set: " + Text.careContext(context)
                + (context.isBreakGlass() ? "\nBreak-glass: every access is audited as an emergency and reviewed "
                        + "(audit:breakglass)." : "");
    }

    @Descriptor("show this session's care context")
    public String show(CommandSession session) {
        return sessions.of(session).map(context -> Text.careContext(context)
                + (sessions.explicit(session) ? "" : " (this session's default: context:set changes it)"))
                .orElse("No care context.");
    }

    @Descriptor("clear this session's care context")
    public String clear(CommandSession session) {
        sessions.set(session, null);
        return "Care context cleared.";
    }
}
