package org.carehost.shell.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.carehost.operators.Operator;
import org.carehost.operators.OperatorRights;
import org.carehost.operators.Role;

/**
 * The one table of which role may run which shell command ({@code scope:function}). {@code admin} may run
 * everything; a command not in the table is for admins only, so a new command (a plugin's, Gogo's {@code felix:} and
 * {@code gogo:} ones, a future container scope) is closed to the other roles until listed here. Commands marked
 * tenant-scoped take {@code --tenant}: a hospital admin may name only their own tenants there.
 */
final class CommandRoles {

    record Rule(Set<Role> roles, boolean tenantScoped) {
    }

    private static final Set<Role> EVERYONE = EnumSet.of(Role.HOSPITAL_ADMIN, Role.AUDITOR, Role.OPERATOR);
    private static final Set<Role> PLUGIN_READERS = OperatorRights.READ_PLUGINS;
    private static final Set<Role> INSTALLERS = OperatorRights.INSTALL_PLUGINS;

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("context:set", new Rule(EVERYONE, false)),
            Map.entry("context:show", new Rule(EVERYONE, false)),
            Map.entry("context:clear", new Rule(EVERYONE, false)),
            Map.entry("user:whoami", new Rule(EVERYONE, false)),
            Map.entry("carehost:listeners", new Rule(EVERYONE, false)),
            Map.entry("carehost:status", new Rule(EVERYONE, false)),
            Map.entry("log:tail", new Rule(EnumSet.of(Role.OPERATOR, Role.AUDITOR), false)),
            Map.entry("plugin:top", new Rule(PLUGIN_READERS, false)),
            Map.entry("catalog:list", new Rule(PLUGIN_READERS, false)),
            Map.entry("catalog:search", new Rule(PLUGIN_READERS, false)),
            Map.entry("catalog:info", new Rule(PLUGIN_READERS, false)),
            Map.entry("catalog:outdated", new Rule(PLUGIN_READERS, false)),
            Map.entry("catalog:install", new Rule(INSTALLERS, false)),
            Map.entry("catalog:update", new Rule(INSTALLERS, false)),
            Map.entry("wasm:list", new Rule(PLUGIN_READERS, false)),
            Map.entry("schedule:list", new Rule(EnumSet.of(Role.OPERATOR), false)),
            Map.entry("notify:list", new Rule(EnumSet.of(Role.OPERATOR), false)),
            Map.entry("adapter:list", new Rule(PLUGIN_READERS, false)),
            // Sends a patient out, in the session's context (a hospital admin's names only their own tenants).
            Map.entry("adapter:send", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN), false)),
            // patient:import is not listed, so admins only (like patient:list/show): it reads files of the host.
            Map.entry("felix:help", new Rule(EVERYONE, false)),
            Map.entry("gogo:help", new Rule(EVERYONE, false)),
            Map.entry("gogo:echo", new Rule(EVERYONE, false)),
            // in a remote session exit ends that session only (RemoteSession), so anyone may log out with a status
            Map.entry("gogo:exit", new Rule(EVERYONE, false)),
            Map.entry("gogo:format", new Rule(EVERYONE, false)),
            Map.entry("plugin:list", new Rule(PLUGIN_READERS, false)),
            Map.entry("plugin:info", new Rule(PLUGIN_READERS, false)),
            Map.entry("plugin:why", new Rule(PLUGIN_READERS, false)),
            Map.entry("plugin:names", new Rule(PLUGIN_READERS, false)),
            Map.entry("plugin:permissions", new Rule(PLUGIN_READERS, false)),
            Map.entry("plugin:start", new Rule(OperatorRights.RUN_PLUGINS, false)),
            Map.entry("plugin:stop", new Rule(OperatorRights.RUN_PLUGINS, false)),
            // the HTTP upload and catalog install share OperatorRights.INSTALL_PLUGINS
            Map.entry("plugin:install", new Rule(INSTALLERS, false)),
            Map.entry("plugin:update", new Rule(INSTALLERS, false)),
            Map.entry("plugin:uninstall", new Rule(INSTALLERS, false)),
            Map.entry("plugin:enable", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN), true)),
            Map.entry("plugin:disable", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN), true)),
            Map.entry("plugin:config", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN), true)),
            Map.entry("tenant:list", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN, Role.OPERATOR), false)),
            Map.entry("tenant:validation", new Rule(EnumSet.of(Role.HOSPITAL_ADMIN), true)),
            Map.entry("security:status", new Rule(EnumSet.of(Role.OPERATOR, Role.AUDITOR), false)),
            Map.entry("audit:tail", new Rule(EnumSet.of(Role.AUDITOR), false)),
            Map.entry("audit:query", new Rule(EnumSet.of(Role.AUDITOR), false)),
            Map.entry("audit:verify", new Rule(EnumSet.of(Role.AUDITOR), false)),
            Map.entry("audit:export", new Rule(EnumSet.of(Role.AUDITOR), false)),
            Map.entry("audit:breakglass", new Rule(EnumSet.of(Role.AUDITOR), false)));

    private CommandRoles() {
    }

    /** The rule of a command; admins only when it is not listed. */
    static Rule rule(String command) {
        return RULES.getOrDefault(command.toLowerCase(Locale.ROOT), new Rule(Set.of(), false));
    }

    static boolean allowed(Operator operator, String command) {
        return operator.isAdmin() || operator.roles().stream().anyMatch(rule(command).roles()::contains);
    }

    /** Null when allowed; otherwise the refusal, naming the roles that may. */
    static String refusal(Operator operator, List<String> commands) {
        for (String command : commands) {
            if (!allowed(operator, command)) {
                Set<Role> may = EnumSet.of(Role.ADMIN);
                may.addAll(rule(command).roles());
                return "Refused: " + operator.name() + " (" + Role.text(operator.roles()) + ") may not run " + command
                        + "; it needs the role " + may.stream().map(Role::code).collect(Collectors.joining(" or "));
            }
        }
        return null;
    }

    /** The whole table, for the test that checks the README against it. */
    static Map<String, Rule> table() {
        return RULES;
    }

    static boolean tenantScoped(String command) {
        return rule(command).tenantScoped();
    }
}
