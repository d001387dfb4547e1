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
 * refuses them all and the configuration in force stays) and stores them for the tenant, over the plugin's settings
 * for every tenant ({@code etc/<pid>.cfg}) and its defaults; the plugin reads them through the SDK's
 * {@code TenantSettings}. Shown as the value in force for each setting and where it comes from.
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
            return settings(name, tenant, schema, bundle);
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
        return "Updated " + name + " for tenant " + tenant + ".\n" + settings(name, tenant, schema, bundle);
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
     * Each setting's value in force for the tenant and where it comes from: the tenant's own, else the plugin's
     * settings for every tenant (its etc/ file), else the schema's default (tryout 16 #14: the etc/ value was shown
     * nowhere).
     */
    private String settings(String plugin, String tenant, ObjectClassDefinition schema, Bundle bundle)
            throws java.io.IOException {
        String pid = settings.configurationPid(schema);
        Map<String, Object> own = settings.stored(schema, bundle, tenant);
        Map<String, Object> everyTenant = settings.forEveryTenant(schema, bundle);
        String file = "etc/" + pid + ".cfg";
        Table table = new Table("SETTING", "VALUE", "FROM", "DESCRIPTION");
        for (AttributeDefinition attribute : schema.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            String key = attribute.getID();
            Object value;
            String from;
            if (own.containsKey(key)) {
                value = own.get(key);
                from = "tenant " + tenant;
            } else if (everyTenant != null && everyTenant.containsKey(key)) {
                value = everyTenant.get(key);
                from = file;
            } else {
                String[] defaults = attribute.getDefaultValue();
                value = defaults == null ? null : String.join(",", defaults);
                from = "default";
            }
            boolean secret = attribute.getType() == AttributeDefinition.PASSWORD;
            table.row(key, value == null ? "-" : secret ? "********" : Text.oneLine(shown(value)), from,
                    Text.oneLine(String.valueOf(attribute.getDescription())));
        }
        return plugin + "'s settings for tenant " + tenant + ": the tenant's own (Config Admin's "
                + settings.tenantFactoryPid(schema) + "~" + tenant + "), over those for every tenant (" + file
                + (everyTenant == null ? ", none now" : "") + "), over the defaults.\n" + table;
    }
}
