package org.carehost.shell.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.PluginSettings;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code plugin:config <plugin> --tenant T [key=value…]}: a plugin's settings for one hospital. A thin command over
 * {@link PluginSettings}, which checks each value against the plugin's Metatype schema first (one invalid value
 * refuses them all and the configuration in force stays) and stores them as the factory configuration
 * {@code <pid>~<tenant>} (property {@code carehost.tenant}), so Declarative Services gives the plugin one component
 * per hospital that has settings.
 */
@Component(service = TenantConfigCommand.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=config"
})
public final class TenantConfigCommand {

    private final BundleContext context;
    private final PluginManager plugins;
    private final Tenants tenants;
    private final PluginSettings settings;
    private final ContextBinder binder;
    private final AuditLog log;

    @Activate
    public TenantConfigCommand(BundleContext context, @Reference PluginManager plugins, @Reference Tenants tenants,
            @Reference PluginSettings settings, @Reference ContextBinder binder, @Reference AuditLog log) {
        this.context = context;
        this.plugins = plugins;
        this.tenants = tenants;
        this.settings = settings;
        this.binder = binder;
        this.log = log;
    }
    @Descriptor("show or change a plugin's settings for one tenant: plugin:config <plugin> --tenant <id> [key=value…]")
    public String config(@Descriptor("<plugin> --tenant <id> [key=value…]") String... arguments) throws Exception {
        TenantArguments parsed = TenantArguments.parse(arguments, "Usage: plugin:config <plugin> --tenant <id> [key=value…]",
                true);
        String plugin = parsed.plugin();
        String tenant = parsed.tenant();
        Map<String, String> changes = parsed.settings();
        String name = plugins.get(plugin).symbolicName();
        if (tenants.find(tenant).isEmpty()) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        if (!tenants.isEnabled(name, tenant)) {
            throw new IllegalArgumentException(name + " is not enabled for tenant " + tenant + "; plugin:enable " + name
                    + " --tenant " + tenant + " first");
        }
        Bundle bundle = bundle(plugins.get(plugin).id());
        ObjectClassDefinition schema = schemaOf(bundle, name);
        if (changes.isEmpty()) {
            return settings(name, tenant, schema, settings.configurationPid(schema), settings.stored(schema, bundle,
                    tenant), settings.forEveryTenant(schema, bundle));
        }
        Map<String, String> problems = settings.write(schema, bundle, tenant, changes);
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>();
            problems.forEach((key, problem) -> lines.add(isSetting(schema, key) ? key + "=" + changes.get(key) + ": "
                    + problem : key + ": " + problem));
            throw new IllegalArgumentException("Refused; the settings in force stay:\n  " + String.join("\n  ", lines));
        }
        ActingOperator.audit(log, binder, AuditAction.UPDATE, "plugin.config", "Tenant", tenant, null,
                name + ": " + String.join(", ", changes.keySet()));
        return "Updated " + name + " for tenant " + tenant + ".\n"
                + settings(name, tenant, schema, settings.configurationPid(schema), settings.stored(schema, bundle, tenant),
                        null);
    }

    private Bundle bundle(long id) throws PluginException {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw new PluginException("Plugin " + id + " has just been uninstalled.");
        }
        return bundle;
    }

    /** The plugin's one configuration schema (Metatype); none, several or the container's is an error that says so. */
    private ObjectClassDefinition schemaOf(Bundle bundle, String name) {
        List<String> pids = settings.schemaPids(bundle);
        if (pids.size() != 1) {
            throw new IllegalArgumentException(name + (pids.isEmpty() ? " has no settings (no Metatype schema)"
                    : " has several configuration schemas " + pids + "; per-tenant settings need exactly one"));
        }
        ObjectClassDefinition schema = settings.schemaOf(bundle);
        if (schema == null) {
            throw new IllegalArgumentException(name + "'s schema names the container's configuration " + pids.get(0)
                    + "; refused");
        }
        return schema;
    }

    private static boolean isSetting(ObjectClassDefinition schema, String key) {
        return Arrays.stream(schema.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .anyMatch(attribute -> attribute.getID().equals(key));
    }

    /** A value as typed: a setting that takes several, its values joined by commas. */
    private static String shown(Object value) {
        if (value != null && value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                items.add(String.valueOf(java.lang.reflect.Array.get(value, i)));
            }
            return String.join(",", items);
        }
        return String.valueOf(value);
    }

    /**
     * The tenant's values beside each setting's default; with a configuration for every tenant (its etc/ file), that
     * column instead, and a first line saying it is the one in force (tryout 16 #14: the etc/ value was shown nowhere).
     */
    private static String settings(String plugin, String tenant, ObjectClassDefinition schema, String pid,
            Map<String, Object> current, Map<String, Object> everyTenant) {
        boolean shared = everyTenant != null;
        Map<String, Object> shown = shared ? everyTenant : current;
        Table table = new Table("SETTING", shared ? "VALUE (EVERY TENANT)" : "VALUE (TENANT " + tenant + ")", "DEFAULT",
                "DESCRIPTION");
        for (AttributeDefinition attribute : schema.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            boolean secret = attribute.getType() == AttributeDefinition.PASSWORD;
            Object value = shown.get(attribute.getID());
            String[] defaults = attribute.getDefaultValue();
            table.row(attribute.getID(), value == null ? "-" : secret ? "********" : Text.oneLine(shown(value)),
                    defaults == null ? "-" : String.join(",", defaults),
                    Text.oneLine(String.valueOf(attribute.getDescription())));
        }
        String head = shared ? plugin + " takes its settings for every tenant, tenant " + tenant + " included, from etc/"
                + pid + ".cfg; per-tenant settings need that file deleted first.\n"
                : plugin + "'s settings for tenant " + tenant + " (Config Admin's " + pid + "~" + tenant
                        + "); for every tenant at once they would go in etc/" + pid + ".cfg instead.\n";
        return head + table;
    }
}
