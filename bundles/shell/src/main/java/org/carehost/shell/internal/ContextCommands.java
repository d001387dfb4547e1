package org.carehost.shell.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.context.ContextBinder;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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

    @Activate
    public ContextCommands(@Reference ContextBinder binder, @Reference SessionContexts sessions) {
        this.binder = binder;
        this.sessions = sessions;
    }

    @Descriptor("set this session's care context; emergency (break-glass) needs --reason and a --user")
    public String set(CommandSession session,
            @Descriptor("tenant (hospital) id") @Parameter(names = {"-t", "--tenant"}, absentValue = CareContext.DEFAULT_TENANT) String tenant,
            @Descriptor("acting user id") @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
            @Descriptor("roles, comma-separated") @Parameter(names = {"-r", "--roles"}, absentValue = "") String roles,
            @Descriptor("treatment, payment, operations, research or emergency") @Parameter(names = {"-p", "--purpose"}, absentValue = "treatment") String purpose,
            @Descriptor("why (required for emergency)") @Parameter(names = {"--reason"}, absentValue = "") String reason) {
        Set<String> roleSet = roles.isBlank() ? Set.of()
                : Arrays.stream(roles.split(",")).map(String::strip).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
        CareContext context = binder.declare(tenant, user.isBlank() ? null : user, roleSet, Purpose.parse(purpose),
                reason.isBlank() ? null : reason);
        sessions.set(session, context);
        return "Care context set: " + Text.careContext(context)
                + (context.isBreakGlass() ? "\nBreak-glass: every access is audited as an emergency and reviewed "
                        + "(audit:breakglass)." : "");
    }

    @Descriptor("show this session's care context")
    public String show(CommandSession session) {
        return sessions.of(session).map(Text::careContext)
                .orElse("No care context set: commands act in the default tenant as the container allows (context:set).");
    }

    @Descriptor("clear this session's care context")
    public String clear(CommandSession session) {
        sessions.set(session, null);
        return "Care context cleared.";
    }
}
