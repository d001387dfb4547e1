package org.carehost.shell.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.carehost.audit.AuditLog;
import org.carehost.context.Activation;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenant;
import org.carehost.clinical.ValidatorChoices;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tenant:list}, {@code tenant:create}, {@code tenant:validation}, {@code plugin:enable}, {@code plugin:disable}:
 * hospitals, which plugins act for each, and what a hospital wants when a plugin's validator fails. Every change is
 * audited under the acting operator (a validator choice by {@link ValidatorChoices} itself, which every path uses).
 */
@Component(service = TenantCommands.class, property = {
        "osgi.command.scope=tenant",
        "osgi.command.function=list",
        "osgi.command.function=create",
        "osgi.command.function=plugins",
        "osgi.command.function=validation"
})
public final class TenantCommands {

    private static final String VALIDATION_USAGE = "Usage: tenant:validation <plugin> --tenant <id> "
            + "[fail-open|fail-closed|clear] (without a choice: show the tenant's)";

    private final Tenants tenants;
    private final ValidatorChoices choices;
    private final PluginManager plugins;
    private final ContextBinder binder;
    private final AuditLog log;

    @Activate
    public TenantCommands(@Reference Tenants tenants, @Reference ValidatorChoices choices,
            @Reference PluginManager plugins, @Reference ContextBinder binder, @Reference AuditLog log) {
        this.tenants = tenants;
        this.choices = choices;
        this.plugins = plugins;
        this.binder = binder;
        this.log = log;
    }

    @Descriptor("what a tenant wants when the plugin's validator fails (throws, overruns, is refused): fail-open lets "
            + "the write through, fail-closed refuses it, clear leaves it to the operator's policy and the plugin: "
            + "tenant:validation <plugin> --tenant <id> [fail-open|fail-closed|clear]")
    public String validation(@Descriptor("<plugin> --tenant <id> [fail-open|fail-closed|clear]") String... arguments)
            throws PluginException {
        java.util.List<String> rest = new java.util.ArrayList<>();
        String tenant = null;
        for (int i = 0; arguments != null && i < arguments.length; i++) {
            if (arguments[i].equals("--tenant") || arguments[i].equals("-t")) {
                if (i + 1 >= arguments.length || tenant != null) {
                    throw new IllegalArgumentException(VALIDATION_USAGE);
                }
                tenant = arguments[++i];
            } else {
                rest.add(arguments[i]);
            }
        }
        if (tenant == null || tenant.isBlank() || rest.isEmpty() || rest.size() > 2) {
            throw new IllegalArgumentException(VALIDATION_USAGE);
        }
        String plugin = plugins.get(rest.get(0)).symbolicName();
        String tenantId = tenant;
        if (rest.size() == 1) {
            return choices.failsOpen(tenant, plugin).map(open -> "Tenant " + tenantId + ": a failing validator "
                    + "of " + plugin + " " + (open ? "fails open (lets the write through)" : "fails closed (refuses the write)")
                    + ", the tenant's own setting.")
                    .orElse("Tenant " + tenant + " has no setting for " + plugin + "'s validators: the operator's policy, "
                            + "then the plugin, decide.");
        }
        Boolean failOpen = switch (rest.get(1)) {
            case "fail-open" -> Boolean.TRUE;
            case "fail-closed" -> Boolean.FALSE;
            case "clear" -> null;
            default -> throw new IllegalArgumentException("'" + rest.get(1) + "' is not a choice: fail-open, "
                    + "fail-closed or clear. Nothing changed. " + VALIDATION_USAGE);
        };
        choices.set(tenant, plugin, failOpen, ActingOperator.who(binder)); // audited by the service
        return failOpen == null ? "Cleared tenant " + tenant + "'s setting for " + plugin + "'s validators: the "
                + "operator's policy, then the plugin, decide." : "Tenant " + tenant + ": a failing validator of "
                + plugin + " now " + (failOpen ? "fails open (lets the write through)." : "fails closed (refuses the write).");
    }

    /**
     * The tenants; a remote hospital admin (not also an admin or a container operator) sees only those they administer:
     * another hospital's name and existence are not theirs to read (tryout 14's hospital admin listed every hospital).
     */
    @Descriptor("list the tenants (hospitals)")
    public String list(CommandSession session) {
        List<org.carehost.context.Tenant> all = tenants.list();
        if (session instanceof GuardedSession guarded) {
            org.carehost.operators.Operator operator = guarded.operator();
            if (!operator.isAdmin() && !operator.has(org.carehost.operators.Role.OPERATOR)) {
                all = all.stream().filter(tenant -> operator.administers(tenant.id())).toList();
            }
        }
        return Text.tenantTable(all);
    }

    @Descriptor("create a tenant (hospital)")
    public String create(@Descriptor("id: letters, digits, . _ @ -") String id,
            @Descriptor("name") String... name) {
        if (name == null || name.length == 0) {
            throw new IllegalArgumentException("Give the tenant a name: tenant:create " + id + " <name>");
        }
        Tenant tenant = tenants.create(id, String.join(" ", name), ActingOperator.who(binder));
        ActingOperator.audit(log, binder, AuditAction.CREATE, "tenant.create", "Tenant", tenant.id(), null, tenant.name());
        return "Created tenant " + tenant.id() + " (" + tenant.name() + "). Enable plugins for it with "
                + "plugin:enable <plugin> --tenant " + tenant.id() + ".";
    }

    @Descriptor("which plugins were enabled or disabled for which tenant, by whom and when")
    public String plugins() {
        return Text.activationTable(tenants.activations());
    }

    /** {@code plugin:enable} and {@code plugin:disable}, in the plugin scope. */
    @Component(service = PluginActivationCommands.class, property = {
            "osgi.command.scope=plugin",
            "osgi.command.function=enable",
            "osgi.command.function=disable"
    })
    public static final class PluginActivationCommands {

        private final Tenants tenants;
        private final PluginManager plugins;
        private final ContextBinder binder;
        private final AuditLog log;

        @Activate
        public PluginActivationCommands(@Reference Tenants tenants, @Reference PluginManager plugins,
                @Reference ContextBinder binder, @Reference AuditLog log) {
            this.tenants = tenants;
            this.plugins = plugins;
            this.binder = binder;
            this.log = log;
        }

        @Descriptor("let a plugin act for a tenant (hospital): plugin:enable <plugin> --tenant <id>")
        public String enable(@Descriptor("<plugin> --tenant <id>") String... arguments) throws PluginException {
            return change(arguments, true);
        }

        @Descriptor("stop a plugin acting for a tenant; its calls for that tenant are refused from the next one on: "
                + "plugin:disable <plugin> --tenant <id>")
        public String disable(@Descriptor("<plugin> --tenant <id>") String... arguments) throws PluginException {
            return change(arguments, false);
        }

        private String change(String[] arguments, boolean enable) throws PluginException {
            TenantArguments parsed = TenantArguments.parse(arguments, "Usage: plugin:" + (enable ? "enable" : "disable")
                    + " <plugin> --tenant <id> (tenant:list shows them)", false);
            return change(parsed.plugin(), parsed.tenant(), enable);
        }

        private String change(String plugin, String tenant, boolean enable) throws PluginException {
            String name = plugins.get(plugin).symbolicName();
            String by = ActingOperator.who(binder);
            Activation activation = enable ? tenants.enable(name, tenant, by) : tenants.disable(name, tenant, by);
            ActingOperator.audit(log, binder, AuditAction.UPDATE, enable ? "plugin.enable" : "plugin.disable", "Tenant",
                    tenant, null, name);
            return (enable ? "Enabled " : "Disabled ") + name + " for tenant " + activation.tenant() + " (by "
                    + activation.changedBy() + ", " + activation.changed() + ").";
        }
    }
}
