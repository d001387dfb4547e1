package org.carehost.context.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.carehost.context.PluginSettings;
import org.carehost.context.SettingBounds;
import org.carehost.context.SettingValues;
import org.carehost.settings.PluginNames;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@link PluginSettings} over Metatype and Config Admin. A value is checked as text: its type first (a whole number,
 * a number, true or false), then its declared bounds ({@link SettingBounds}, read from the plugin's Metatype XML, so
 * that the refusal names them), then the schema's own check ({@link AttributeDefinition#validate}: options, and the
 * bounds again), then that it fits its type. Before all that, a value with Config Admin's interpolation marker
 * {@code $[} is refused: the container's interpolation plugin would resolve it (environment, secrets, system
 * properties) on the way to the plugin (redteam-3 #4; {@code ConfigGuard}'s {@code RawValues} drops one that got
 * stored by other means).
 */
@Component(service = PluginSettings.class)
public final class PluginSettingsImpl implements PluginSettings {

    static final String PLACEHOLDER = "$[";
    /**
     * A placeholder Config Admin's interpolation plugin resolves: {@code $[type:...]} (env, prop, secret, conf). Other
     * text with {@code $[} (a JSONPath such as {@code $[0].code}) is the plugin's own. The config bundle's
     * {@code RawValues} drops the same on delivery.
     */
    static final java.util.regex.Pattern RESOLVED = java.util.regex.Pattern.compile("\\$\\[\\s*[A-Za-z]+\\s*:");

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final ConfigurationAdmin configurations;
    private final DeclaredBounds bounds;

    @Activate
    public PluginSettingsImpl(BundleContext context, @Reference MetaTypeService metatype,
            @Reference ConfigurationAdmin configurations, @Reference(service = LoggerFactory.class) Logger log) {
        this.context = context;
        this.metatype = metatype;
        this.configurations = configurations;
        this.bounds = new DeclaredBounds((plugin, why) -> log.warn("Plugin {}: a Metatype file does not parse, so "
                + "its settings' bounds are not shown (they are still enforced as the Metatype service reads them): "
                + "{}", plugin.getSymbolicName(), why));
    }

    @Override
    public List<String> schemaPids(Bundle plugin) {
        MetaTypeInformation information = metatype.getMetaTypeInformation(plugin);
        List<String> pids = new ArrayList<>();
        if (information != null) {
            pids.addAll(Arrays.asList(information.getPids()));
            pids.addAll(Arrays.asList(information.getFactoryPids()));
        }
        return pids;
    }

    @Override
    public ObjectClassDefinition schemaOf(Bundle plugin) {
        List<String> pids = schemaPids(plugin);
        if (pids.size() != 1) {
            return null;
        }
        ObjectClassDefinition schema = metatype.getMetaTypeInformation(plugin).getObjectClassDefinition(pids.get(0), null);
        String id = schema == null ? null : schema.getID();
        if (id == null || containers(id, plugin) || containers(pids.get(0), plugin)) {
            return null; // a plugin may not name the container's own configurations
        }
        // every other bundle's name counts here (the container's are refused above in any case)
        String owner = PluginNames.owner(pids.get(0), context.getBundles(), bundle -> false);
        if (owner != null && !owner.equals(plugin.getSymbolicName())) {
            return null; // nor another plugin's, by its symbolic name (red team 21: it read that plugin's tenant settings)
        }
        return new BoundedSchema(schema, bounds.of(plugin, schema.getID()), pids.get(0));
    }

    /** Whether the name is one of the container's configurations' ({@code org.carehost.*} but the plugin's own names). */
    private static boolean containers(String name, Bundle plugin) {
        String own = String.valueOf(plugin.getSymbolicName());
        return name.startsWith("org.carehost.") && !(name.equals(own) || name.startsWith(own + "."));
    }

    @Override
    public String configurationPid(ObjectClassDefinition schema) {
        return schema instanceof BoundedSchema bounded ? bounded.pid() : schema.getID();
    }

    @Override
    public Map<String, Object> stored(ObjectClassDefinition schema, Bundle plugin, String tenant) throws IOException {
        Configuration[] found;
        try {
            found = configurations.listConfigurations("(service.pid=" + escape(tenantFactoryPid(schema) + "~" + tenant)
                    + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("Not a valid plugin or tenant name", e);
        }
        Map<String, Object> out = new TreeMap<>();
        if (found != null && found.length == 1 && found[0].getProperties() != null
                && TenantSettingsOwner.isOwn(context, found[0].getBundleLocation(), plugin,
                        configurationPid(schema))) {
            Dictionary<String, Object> properties = found[0].getProperties();
            for (String key : Collections.list(properties.keys())) {
                if (!key.startsWith("service.") && !key.equals(TENANT_PROPERTY)) {
                    out.put(key, properties.get(key));
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> forEveryTenant(ObjectClassDefinition schema, Bundle plugin) throws IOException {
        Configuration[] found;
        try {
            found = configurations.listConfigurations("(service.pid=" + escape(configurationPid(schema)) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("Not a valid plugin configuration name", e);
        }
        String boundTo = found == null || found.length != 1 ? null : found[0].getBundleLocation();
        // the deploy watcher's configurations from etc/ are for any bundle ("?": a multi-location); the configuration
        // guard keeps another plugin's from it
        if (found == null || found.length != 1 || found[0].getProperties() == null
                || boundTo != null && !boundTo.startsWith("?") && !plugin.getLocation().equals(boundTo)) {
            return null;
        }
        Map<String, Object> out = new TreeMap<>();
        Dictionary<String, Object> properties = found[0].getProperties();
        for (String key : Collections.list(properties.keys())) {
            if (!key.startsWith("service.") && !key.startsWith("felix.fileinstall.")) {
                out.put(key, properties.get(key));
            }
        }
        return out;
    }

    @Override
    public String problem(ObjectClassDefinition schema, String key, String value) {
        Map<String, AttributeDefinition> known = attributes(schema);
        AttributeDefinition attribute = known.get(key);
        if (attribute == null) {
            return "not a setting of this plugin (its settings: " + String.join(", ", known.keySet()) + ")";
        }
        return problem(attribute, value);
    }

    private static String problem(AttributeDefinition attribute, String text) {
        if (text == null) {
            return "a value is expected";
        }
        if (RESOLVED.matcher(text).find()) {
            return "'" + PLACEHOLDER + "type:...]' is not allowed in a plugin setting: Config Admin would replace "
                    + "$[env:...], $[secret:...] or $[prop:...] with the container's own value and hand it to the "
                    + "plugin; write the "
                    + "value itself";
        }
        String type = SettingValues.jsonType(attribute.getType());
        // one text for every check: a number or boolean without the spaces around it (as it is stored), a string as is
        String value = type.equals("string") ? text : text.strip();
        if (type.equals("integer") && !value.matches("-?\\d{1,19}")) {
            return "'" + text + "' is not a whole number";
        }
        if (type.equals("number") && !value.matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?")) {
            return "'" + text + "' is not a number";
        }
        if (type.equals("boolean") && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            return "'" + text + "' is not true or false";
        }
        String outside = attribute instanceof SettingBounds declared ? outside(declared, type, value) : null;
        if (outside != null) {
            return outside;
        }
        String problem = attribute.validate(value);
        if (problem != null && !problem.isEmpty()) {
            return problem;
        }
        try {
            SettingValues.convert(attribute.getType(), value);
        } catch (NumberFormatException e) {
            return "'" + text + "' is out of range for its type";
        }
        return null;
    }

    /** Why the value is outside the setting's declared bounds, naming them; null when it is within (or none apply). */
    private static String outside(SettingBounds bounds, String type, String text) {
        String min = bounds.getMin();
        String max = bounds.getMax();
        String allowed = min != null && max != null ? " (allowed: " + min + " to " + max + ")" : "";
        try {
            if (type.equals("integer") || type.equals("number")) {
                BigDecimal value = new BigDecimal(text);
                if (min != null && value.compareTo(new BigDecimal(min.strip())) < 0) {
                    return text + " is less than the minimum, " + min.strip() + allowed;
                }
                if (max != null && value.compareTo(new BigDecimal(max.strip())) > 0) {
                    return text + " is more than the maximum, " + max.strip() + allowed;
                }
            } else if (type.equals("string")) {
                if (min != null && text.length() < Integer.parseInt(min.strip())) {
                    return "it is shorter than " + min.strip() + " characters";
                }
                if (max != null && text.length() > Integer.parseInt(max.strip())) {
                    return "it is longer than " + max.strip() + " characters";
                }
            }
        } catch (NumberFormatException unreadableBound) {
            return null; // a bound that is not a number: left to the schema's own validate
        }
        return null;
    }

    @Override
    public Map<String, String> write(ObjectClassDefinition schema, Bundle plugin, String tenant, Map<String, ?> values)
            throws IOException {
        Map<String, AttributeDefinition> known = attributes(schema);
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, Object> typed = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            AttributeDefinition attribute = known.get(key);
            if (attribute == null) {
                problems.put(key, problem(schema, key, null));
                return;
            }
            List<?> texts = value instanceof List<?> list ? list : null;
            if (texts == null) {
                String problem = problem(attribute, value == null ? null : String.valueOf(value));
                if (problem != null) {
                    problems.put(key, problem);
                } else {
                    typed.put(key, SettingValues.convert(attribute.getType(), String.valueOf(value)));
                }
                return;
            }
            List<Object> converted = new ArrayList<>();
            for (Object item : texts) {
                String problem = problem(attribute, item == null ? null : String.valueOf(item));
                if (problem != null) {
                    problems.put(key, problem);
                    return;
                }
                converted.add(SettingValues.convert(attribute.getType(), String.valueOf(item)));
            }
            typed.put(key, array(converted));
        });
        if (!problems.isEmpty() || typed.isEmpty()) {
            return problems;
        }
        if (!TenantSettingsOwner.readsTenantSettings(plugin)) {
            // accepted, shown as in force and never read (a plugin built before TenantSettings: read-only review)
            typed.keySet().forEach(key -> problems.put(key, "plugin " + plugin.getSymbolicName() + " does not read "
                    + "per-tenant settings (it does not import org.carehost.sdk.settings, whose TenantSettings gives a "
                    + "call its tenant's values): a tenant's value would change nothing. Set it for every tenant in etc/"
                    + configurationPid(schema) + ".cfg"));
            return problems;
        }
        // Bound to the plugin's location: no other bundle ever receives these settings (and no component takes them:
        // the plugin reads them through TenantSettings).
        Configuration configuration = configurations.getFactoryConfiguration(tenantFactoryPid(schema), tenant,
                plugin.getLocation());
        String boundTo = configuration.getBundleLocation();
        if (boundTo != null && !boundTo.equals(plugin.getLocation()) && TenantSettingsOwner.isOwn(context, boundTo, plugin,
                configurationPid(schema))) {
            configuration.setBundleLocation(plugin.getLocation()); // the plugin's, installed again from another file
        } else if (boundTo != null && !boundTo.equals(plugin.getLocation())) {
            // another plugin declared the same PID and has settings for this tenant under it: never written into
            typed.keySet().forEach(key -> problems.put(key, "tenant " + tenant + "'s settings under "
                    + configurationPid(schema) + " belong to the plugin installed from " + boundTo + ", which declares "
                    + "the same configuration PID: two plugins cannot share one, so nothing was changed. Name each "
                    + "plugin's PID under its own symbolic name, or uninstall the other plugin"));
            return problems;
        }
        Dictionary<String, Object> updated = new Hashtable<>();
        stored(schema, plugin, tenant).forEach(updated::put);
        typed.forEach(updated::put);
        updated.put(TENANT_PROPERTY, tenant);
        configuration.update(updated);
        return problems;
    }

    private static Map<String, AttributeDefinition> attributes(ObjectClassDefinition schema) {
        Map<String, AttributeDefinition> known = new TreeMap<>();
        AttributeDefinition[] attributes = schema.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition attribute : attributes == null ? new AttributeDefinition[0] : attributes) {
            known.put(attribute.getID(), attribute);
        }
        return known;
    }

    /** A list of converted values as the array Config Admin stores (all of one wrapper type). */
    private static Object array(List<Object> values) {
        if (values.isEmpty()) {
            return new String[0];
        }
        Object array = Array.newInstance(values.get(0).getClass(), values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(array, i, values.get(i));
        }
        return array;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }
}
