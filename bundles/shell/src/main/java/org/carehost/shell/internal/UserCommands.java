package org.carehost.shell.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.shell.CommandArguments;
import org.carehost.operators.IssuedToken;
import org.carehost.operators.Operator;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;
import org.carehost.operators.SecondFactorEnrollment;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code user:} scope: operator accounts, one call to {@link OperatorAccounts} each. Passwords are not typed on
 * the command line by default (it would sit in the history and on the terminal): {@code user:add} and
 * {@code user:passwd} make a strong one and show it once; {@code --password} is for scripts that must choose.
 * Secrets (passwords, tokens, recovery codes) are printed once and never stored in clear.
 */
@Component(service = UserCommands.class, property = {
        "osgi.command.scope=user",
        "osgi.command.function=add",
        "osgi.command.function=list",
        "osgi.command.function=passwd",
        "osgi.command.function=token",
        "osgi.command.function=tokens",
        "osgi.command.function=revoke",
        "osgi.command.function=keys",
        "osgi.command.function=disable",
        "osgi.command.function=enable",
        "osgi.command.function=totp",
        "osgi.command.function=whoami"
})
public final class UserCommands {

    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final OperatorAccounts accounts;
    private final SessionContexts sessions;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public UserCommands(@Reference OperatorAccounts accounts, @Reference SessionContexts sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    @Descriptor("add an operator account: user:add <name> --roles admin|hospital-admin|auditor|operator "
            + "[--tenants a,b] (a password is made and shown once unless --password is given)")
    public String add(@Descriptor("roles, comma-separated") @Parameter(names = {"-r", "--roles"}, absentValue = "") String roles,
            @Descriptor("tenants a hospital-admin administers, comma-separated") @Parameter(names = {"-t", "--tenants"}, absentValue = "") String tenants,
            @Descriptor("the password (at least 12 characters); better left out") @Parameter(names = {"--password"}, absentValue = "") String password,
            @Descriptor("account name") String name) {
        Set<Role> roleSet = Role.parseList(roles);
        Set<String> tenantSet = new LinkedHashSet<>();
        Arrays.stream(tenants.split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(tenantSet::add);
        String chosen = password.isEmpty() ? generated() : password;
        Operator added = accounts.add(name, roleSet, tenantSet, chosen.toCharArray());
        return "Added " + added.name() + " (" + Role.text(added.roles()) + (added.tenants().isEmpty() ? ""
                : ", tenants " + String.join(",", added.tenants())) + ")."
                + (password.isEmpty() ? "\nPassword (shown once): " + chosen : "")
                + "\nAdd an SSH key with user:key-add " + added.name() + " <the line of their .pub file>"
                + (added.isAdmin() || added.has(Role.HOSPITAL_ADMIN) || added.has(Role.AUDITOR)
                        ? "; their role needs a second factor for a password login: user:totp " + added.name() : "");
    }

    @Descriptor("list operator accounts")
    public String list() {
        List<Operator> all = accounts.list();
        if (all.isEmpty()) {
            return "No operator accounts yet: user:add <name> --roles admin creates the first admin.";
        }
        Table table = new Table("Name", "Roles", "Tenants", "State", "2nd factor", "Created");
        for (Operator operator : all) {
            table.row(operator.name(), Role.text(operator.roles()), String.join(",", operator.tenants()),
                    operator.disabled() ? "disabled" : "enabled", operator.secondFactor() ? "totp" : "-",
                    operator.created());
        }
        return table.toString();
    }

    @Descriptor("set a new password (made and shown once unless --password is given); clears the lockout")
    public String passwd(@Descriptor("the password (at least 12 characters); better left out") @Parameter(names = {"--password"}, absentValue = "") String password,
            @Descriptor("account name") String name) {
        String chosen = password.isEmpty() ? generated() : password;
        accounts.setPassword(name, chosen.toCharArray());
        return "Password of " + name + " set." + (password.isEmpty() ? "\nPassword (shown once): " + chosen : "");
    }

    @Descriptor("issue an API token (256 bits, shown once): user:token <name> [--label text] [--days 90]")
    public String token(@Descriptor("what it is for") @Parameter(names = {"-l", "--label"}, absentValue = "token") String label,
            @Descriptor("lifetime in days (1 to 366)") @Parameter(names = {"-d", "--days"}, absentValue = "90") long lifetime,
            @Descriptor("account name") String name) {
        int days = CommandArguments.intIn("--days", lifetime, 1, 366);
        IssuedToken token = accounts.issueToken(name, label, Duration.ofDays(days));
        return "Token " + token.id() + " for " + token.account() + " (" + token.label() + "), valid until "
                + token.expires() + ". Shown once:\n" + token.secret();
    }

    @Descriptor("list an account's live API tokens (ids and labels, never the secrets)")
    public String tokens(@Descriptor("account name") String name) {
        List<String> tokens = accounts.tokens(name);
        return tokens.isEmpty() ? name + " has no live tokens." : String.join("\n", tokens);
    }

    @Descriptor("revoke an API token: user:revoke <name> <token id>")
    public String revoke(@Descriptor("account name") String name, @Descriptor("token id (user:tokens)") String id) {
        if (!accounts.revokeToken(name, id)) {
            throw new IllegalArgumentException(name + " has no live token " + id + "; user:tokens " + name + " lists them");
        }
        return "Token " + id + " of " + name + " revoked.";
    }

    @Descriptor("list an account's SSH keys")
    public String keys(@Descriptor("account name") String name) {
        List<String> keys = accounts.keys(name);
        return keys.isEmpty() ? name + " has no SSH keys." : String.join("\n", keys);
    }

    @Descriptor("disable an account: no login, tokens refused (the last admin cannot be disabled)")
    public String disable(@Descriptor("account name") String name) {
        accounts.disable(name);
        return name + " disabled.";
    }

    @Descriptor("enable a disabled account and clear its lockout")
    public String enable(@Descriptor("account name") String name) {
        accounts.enable(name);
        return name + " enabled.";
    }

    @Descriptor("enrol a TOTP second factor (secret and ten recovery codes, shown once)")
    public String totp(@Descriptor("account name") String name) {
        SecondFactorEnrollment enrollment = accounts.enrollSecondFactor(name);
        return "Second factor of " + name + " enrolled. Shown once:\nsecret " + enrollment.secret() + "\n"
                + enrollment.uri() + "\nrecovery codes (each works once):\n"
                + String.join("\n", enrollment.recoveryCodes());
    }

    @Descriptor("who this session acts as")
    public String whoami(CommandSession session) {
        Operator operator = sessions.operator(session);
        return operator.name() + " (" + Role.text(operator.roles()) + (operator.tenants().isEmpty() ? ""
                : ", tenants " + String.join(",", operator.tenants())) + "; " + operator.origin() + ")";
    }

    private String generated() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
