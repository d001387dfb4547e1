package org.carehost.settings;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;

/**
 * Where a container setting comes from, the one rule every container bundle follows: the value configured through
 * Config Admin ({@code etc/<pid>.cfg}), else the framework property that named the setting before Config Admin did
 * (kept for existing installations, the plugin test kit and the integration tests), else the default. A value that
 * is empty or only blanks counts as not set; a value is used trimmed.
 *
 * <p>Written here rather than taken from a library: it is the project's own rule, a few lines long, and each bundle
 * embeds this package privately (bnd's {@code -conditionalpackage}), so that it costs no import and no start order.
 */
public final class Setting {

    private Setting() {
    }

    /** The configured value, else the framework property {@code property}, else {@code fallback} (may be null). */
    public static String of(String configured, BundleContext context, String property, String fallback) {
        return of(configured, context.getProperty(property), () -> fallback);
    }

    /** The configured value, else the property's value, else what {@code fallback} gives (asked only when needed). */
    public static String of(String configured, String propertyValue, Supplier<String> fallback) {
        if (isSet(configured)) {
            return configured.trim();
        }
        if (isSet(propertyValue)) {
            return propertyValue.trim();
        }
        return fallback.get();
    }

    /** {@link #of(String, BundleContext, String, String)} as a path (relative paths stay relative to the working folder). */
    public static Path path(String configured, BundleContext context, String property, String fallback) {
        return Path.of(of(configured, context, property, fallback));
    }

    /** The same as a path, from the property's value already read. */
    public static Path path(String configured, String propertyValue, String fallback) {
        return Path.of(of(configured, propertyValue, () -> fallback));
    }

    /** Whether a value was given: not null and not only blanks. */
    public static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
