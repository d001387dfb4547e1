package org.carehost.shell.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
import org.carehost.shell.Confirmation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code security:} scope: the security manager's mode, policy, trust store and denials. */
@Component(service = SecurityCommands.class, property = {
        "osgi.command.scope=security",
        "osgi.command.function=status",
        "osgi.command.function=denials",
        "osgi.command.function=mode"
})
public final class SecurityCommands {

    private static final int DEFAULT_DENIALS = 20;

    private final SecurityAdmin security;

    @Activate
    public SecurityCommands(@Reference SecurityAdmin security) {
        this.security = security;
    }

    @Descriptor("show the security mode, policy file, trust store and JDK")
    public String status() {
        return Text.securityStatus(security.status());
    }

    @Descriptor("list the newest denials (default 20)")
    public String denials() {
        return Text.denialTable(security.denials(DEFAULT_DENIALS));
    }

    @Descriptor("list the newest n denials")
    public String denials(@Descriptor("how many, 1 to 1000") String n) {
        int count;
        try {
            count = Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + n + "' is not a number; security:denials [n], n from 1 to 1000");
        }
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("n must be from 1 to 1000, not " + count);
        }
        return Text.denialTable(security.denials(count));
    }

    @Descriptor("switch the security mode: development or production (written to the policy, in force at once); "
            + "asks first when the switch would stop running plugins")
    public String mode(CommandSession session,
            @Descriptor("switch without asking (scripts)") @Parameter(names = {"-y", "--yes"}, presentValue = "true",
                    absentValue = "false") boolean yes,
            @Descriptor("development or production") String mode) throws IOException {
        SecurityMode wanted;
        try {
            wanted = SecurityMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + mode + "' is not a mode; use development or production");
        }
        if (yes) {
            return security.setMode(wanted);
        }
        Map<String, List<String>> stopped = security.refusedIn(wanted);
        if (stopped.isEmpty()) {
            return security.setMode(wanted);
        }
        String name = wanted.name().toLowerCase(Locale.ROOT);
        String shown = Text.refusedBySwitch(name, stopped);
        switch (Confirmation.ask(session, shown, "Switch to " + name + "?")) {
            case YES:
                return security.setMode(wanted);
            case SCRIPT:
                throw new IllegalStateException("The mode was not changed: the switch to " + name + " would stop "
                        + stopped.size() + " running plugin(s), and a script cannot answer the question; add --yes "
                        + "to switch (security:mode --yes " + name + ").\n" + shown);
            case ENDED:
                throw new IllegalStateException("The mode was not changed: no answer (the input ended); "
                        + "security:mode --yes " + name + " switches without asking.");
            default:
                return "The mode was not changed; it is still " + security.status().mode().name().toLowerCase(Locale.ROOT)
                        + ".";
        }
    }
}
