package org.carehost.shell.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.carehost.audit.AuditLog;
import org.carehost.clinical.PluginDataAdmin;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code plugin:purge-data <plugin> --tenant T}: the one way a plugin's documents go (they outlive updates and
 * uninstalls). The plugin may be named by id or symbolic name while installed, by symbolic name once it is gone.
 */
@Component(service = Function.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=purge-data",
        "carehost.command.help=Usage: plugin:purge-data <plugin> --tenant <id>. Removes every document a plugin "
                + "keeps in one tenant (they outlive updates and uninstalls); the plugin by id or symbolic name, "
                + "by symbolic name once uninstalled. Audited"
})
public final class PluginDataCommand implements Function {

    private static final String USAGE = "Usage: plugin:purge-data <plugin> --tenant <id>";

    private final PluginManager plugins;
    private final PluginDataAdmin data;
    private final Tenants tenants;
    private final ContextBinder binder;
    private final AuditLog log;

    @Activate
    public PluginDataCommand(@Reference PluginManager plugins, @Reference PluginDataAdmin data,
            @Reference Tenants tenants, @Reference ContextBinder binder, @Reference AuditLog log) {
        this.plugins = plugins;
        this.data = data;
        this.tenants = tenants;
        this.binder = binder;
        this.log = log;
    }

    /** Removes every document a plugin keeps in one tenant (audited). */
    @Override
    public Object execute(CommandSession session, List<Object> values) {
        String[] arguments = values == null ? new String[0]
                : values.stream().map(String::valueOf).toArray(String[]::new);
        TenantArguments parsed = TenantArguments.parse(arguments, USAGE, false);
        String name = symbolicName(parsed.plugin());
        String tenant = parsed.tenant();
        if (tenants.find(tenant).isEmpty()) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        long bytes = data.used(name, tenant);
        int removed = data.purge(name, tenant);
        ActingOperator.audit(log, binder, AuditAction.DELETE, "plugin.purge-data", "PluginData", null, null,
                name + " in tenant " + tenant + ": " + removed + " documents, " + bytes + " bytes");
        return "Removed " + removed + " document(s) (" + bytes + " bytes) of " + name + " in tenant " + tenant + ".\n";
    }

    private String symbolicName(String plugin) {
        try {
            return plugins.get(plugin).symbolicName();
        } catch (PluginException notInstalled) {
            if (plugin.matches("[A-Za-z0-9_.\\-]+") && !plugin.matches("\\d+")) {
                return plugin; // uninstalled: its documents stay until purged
            }
            throw new IllegalArgumentException("'" + plugin + "' is neither an installed plugin nor a symbolic name");
        }
    }
}
