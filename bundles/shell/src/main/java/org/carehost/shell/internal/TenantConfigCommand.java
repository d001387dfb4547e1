package org.carehost.shell.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code plugin:config <plugin> --tenant T [key=value…]}: a plugin's settings for one hospital. Each value is
 * checked against the plugin's Metatype schema first; one invalid value refuses them all and the configuration
 * in force stays. Stored as the factory configuration {@code <pid>~<tenant>} (property {@code carehost.tenant}),
 * so Declarative Services gives the plugin one component per hospital that has settings.
 */
@Component(service = TenantConfigCommand.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=config"
})
public final class TenantConfigCommand {

    static final String TENANT_PROPERTY = "carehost.tenant";

    private final BundleContext context;
    private final PluginManager plugins;
    private final Tenants tenants;
    private final MetaTypeService metatype;
    private final ConfigurationAdmin configurations;
    private final ContextBinder binder;
    private final AuditLog log;

    @Activate
    public TenantConfigCommand(BundleContext context, @Reference PluginManager plugins, @Reference Tenants tenants,
            @Reference MetaTypeService metatype, @Reference ConfigurationAdmin configurations,
            @Reference ContextBinder binder, @Reference AuditLog log) {
        this.context = context;
        this.plugins = plugins;
        this.tenants = tenants;
        this.metatype = metatype;
        this.configurations = configurations;
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
        if (schema.getID().startsWith("org.carehost.") && !schema.getID().startsWith(name)) {
            throw new IllegalArgumentException(name + "'s schema names the container's configuration " + schema.getID()
                    + "; refused");
        }
        // Bound to the plugin's location: no other bundle ever receives these settings.
        Configuration configuration = configurations.getFactoryConfiguration(schema.getID(), tenant, bundle.getLocation());
        Map<String, Object> current = new TreeMap<>();
        Dictionary<String, Object> stored = configuration.getProperties();
        if (stored != null) {
            for (String key : Collections.list(stored.keys())) {
                current.put(key, stored.get(key));
            }
        }
        if (changes.isEmpty()) {
            return settings(name, tenant, schema, current);
        }
        Map<String, Object> typed = validate(schema, changes);
        Dictionary<String, Object> updated = new Hashtable<>();
        current.forEach(updated::put);
        typed.forEach(updated::put);
        updated.put(TENANT_PROPERTY, tenant);
        configuration.update(updated);
        ActingOperator.audit(log, binder, AuditAction.UPDATE, "plugin.config", "Tenant", tenant, null,
                name + ": " + String.join(", ", changes.keySet()));
        current.putAll(typed);
        return "Updated " + name + " for tenant " + tenant + ".\n" + settings(name, tenant, schema, current);
    }

    private Bundle bundle(long id) throws PluginException {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw new PluginException("Plugin " + id + " has just been uninstalled.");
        }
        return bundle;
    }

    /** The plugin's one configuration schema (Metatype); none or several is an error that says so. */
    private ObjectClassDefinition schemaOf(Bundle bundle, String name) {
        MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
        List<String> pids = new ArrayList<>();
        if (information != null) {
            pids.addAll(Arrays.asList(information.getPids()));
            pids.addAll(Arrays.asList(information.getFactoryPids()));
        }
        if (pids.size() != 1) {
            throw new IllegalArgumentException(name + (pids.isEmpty() ? " has no settings (no Metatype schema)"
                    : " has several configuration schemas " + pids + "; per-tenant settings need exactly one"));
        }
        return information.getObjectClassDefinition(pids.get(0), null);
    }

    /** Every value checked and converted; all problems in one message, nothing written if there is one. */
    static Map<String, Object> validate(ObjectClassDefinition schema, Map<String, String> changes) {
        Map<String, AttributeDefinition> known = new TreeMap<>();
        for (AttributeDefinition attribute : schema.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            known.put(attribute.getID(), attribute);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> typed = new LinkedHashMap<>();
        changes.forEach((key, value) -> {
            AttributeDefinition attribute = known.get(key);
            if (attribute == null) {
                problems.add(key + ": not a setting of this plugin (settings: " + String.join(", ", known.keySet()) + ")");
                return;
            }
            String problem = attribute.validate(value);
            if (problem != null && !problem.isEmpty()) {
                problems.add(key + "=" + value + ": " + problem);
                return;
            }
            try {
                typed.put(key, convert(attribute.getType(), value));
            } catch (IllegalArgumentException e) {
                problems.add(key + "=" + value + ": not a valid value of its type");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Refused; the settings in force stay:\n  " + String.join("\n  ", problems));
        }
        return typed;
    }

    private static Object convert(int type, String value) {
        switch (type) {
            case AttributeDefinition.INTEGER:
                return Integer.valueOf(value.strip());
            case AttributeDefinition.LONG:
                return Long.valueOf(value.strip());
            case AttributeDefinition.DOUBLE:
                return Double.valueOf(value.strip());
            case AttributeDefinition.BOOLEAN:
                if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(value);
                }
                return Boolean.valueOf(value.strip());
            default:
                return value;
        }
    }

    private static String settings(String plugin, String tenant, ObjectClassDefinition schema, Map<String, Object> current) {
        Table table = new Table("SETTING", "VALUE (TENANT " + tenant + ")", "DEFAULT", "DESCRIPTION");
        for (AttributeDefinition attribute : schema.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            boolean secret = attribute.getType() == AttributeDefinition.PASSWORD;
            Object value = current.get(attribute.getID());
            String[] defaults = attribute.getDefaultValue();
            table.row(attribute.getID(), value == null ? "-" : secret ? "********" : Text.oneLine(String.valueOf(value)),
                    defaults == null ? "-" : String.join(",", defaults),
                    Text.oneLine(String.valueOf(attribute.getDescription())));
        }
        return table.toString();
    }
}
