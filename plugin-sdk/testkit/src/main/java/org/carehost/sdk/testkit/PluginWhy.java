package org.carehost.sdk.testkit;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What the container's plugin manager says of a plugin, as {@code plugin:why} does ({@link Carehost#why}). Called by
 * reflection: the container's packages are not on the test's class path.
 */
final class PluginWhy {

    private PluginWhy() {
    }

    static List<String> of(BundleContext context, Bundle plugin) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences("org.carehost.plugins.PluginManager", null);
            if (references == null) {
                return List.of("(the plugin manager is not running)");
            }
            try {
                Object manager = context.getService(references[0]);
                Object why = manager.getClass().getMethod("why", String.class).invoke(manager,
                        String.valueOf(plugin.getBundleId()));
                List<String> lines = new ArrayList<>();
                for (Object line : (List<?>) why) {
                    lines.add(String.valueOf(line));
                }
                return lines;
            } finally {
                context.ungetService(references[0]);
            }
        } catch (ReflectiveOperationException | InvalidSyntaxException | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            return List.of("(plugin:why could not be read: " + cause + ")");
        }
    }
}
