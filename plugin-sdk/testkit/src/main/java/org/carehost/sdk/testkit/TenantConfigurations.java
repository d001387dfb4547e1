package org.carehost.sdk.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Writes a plugin's settings for one tenant through the container's own {@code org.carehost.context.PluginSettings},
 * the service {@code plugin:config <plugin> --tenant <id>} is a thin command over: the same checks against the
 * plugin's Metatype schema, the same place. Called by reflection, as {@link PluginWhy} calls the plugin manager: the
 * container's packages are not on the test's class path.
 */
final class TenantConfigurations {

    private static final String SERVICE = "org.carehost.context.PluginSettings";

    private TenantConfigurations() {
    }

    /**
     * Checks and writes {@code values} (each as its text, or a list's items as theirs) for {@code tenant}; an
     * {@link IllegalArgumentException} naming each refused value, with nothing written, when one is invalid.
     */
    static void write(BundleContext context, Bundle plugin, String tenant, Map<String, ?> values) {
        ServiceReference<?>[] references;
        try {
            references = context.getAllServiceReferences(SERVICE, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (references == null) {
            throw new IllegalStateException("The container's plugin settings (" + SERVICE + ") are not running");
        }
        Object settings = context.getService(references[0]);
        try {
            Method schemaOf = settings.getClass().getMethod("schemaOf", Bundle.class);
            Object schema = schemaOf.invoke(settings, plugin);
            if (schema == null) {
                throw new IllegalArgumentException(plugin.getSymbolicName() + " has no settings to set per tenant: it "
                        + "needs exactly one Metatype schema (@ObjectClassDefinition with @Designate) of its own");
            }
            Method write = null;
            for (Method method : settings.getClass().getMethods()) {
                if (method.getName().equals("write") && method.getParameterCount() == 4) {
                    write = method;
                }
            }
            if (write == null) {
                throw new IllegalStateException("The container's plugin settings have no write(schema, plugin, tenant, "
                        + "values): a container of another version than this test kit's");
            }
            Map<?, ?> problems = (Map<?, ?>) write.invoke(settings, schema, plugin, tenant, texts(values));
            if (!problems.isEmpty()) {
                List<String> lines = new ArrayList<>();
                problems.forEach((key, problem) -> lines.add(key + "=" + values.get(key) + ": " + problem));
                throw new IllegalArgumentException("Refused for tenant " + tenant + "; nothing was written:\n  "
                        + String.join("\n  ", lines));
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The container's plugin settings could not be called: " + e, e);
        } finally {
            context.ungetService(references[0]);
        }
    }

    /** Each value as the text an operator would type: a list's or an array's items each as theirs. */
    private static Map<String, Object> texts(Map<String, ?> values) {
        Map<String, Object> texts = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (value instanceof Iterable<?> items) {
                List<String> list = new ArrayList<>();
                items.forEach(item -> list.add(String.valueOf(item)));
                texts.put(key, list);
            } else if (value != null && value.getClass().isArray()) {
                List<String> list = new ArrayList<>();
                for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                    list.add(String.valueOf(java.lang.reflect.Array.get(value, i)));
                }
                texts.put(key, list);
            } else {
                texts.put(key, value == null ? null : String.valueOf(value));
            }
        });
        return texts;
    }
}
