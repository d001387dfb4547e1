package org.carehost.audit.internal;

import java.nio.file.Path;
import java.util.Map;

import org.carehost.settings.Setting;
import org.osgi.framework.BundleContext;

/**
 * The audit trail's settings as used: the configuration's value, else the framework property
 * {@code carehost.audit.<name>} (kept for existing installations and the test kit), else the default. A bad value
 * stops the start with a message naming the setting, before anything is touched.
 */
record AuditSettings(long retentionDays, long checkpointMinutes, long maxLag, Path keyFile, Path checkpoints,
        Path journal, Path archive) {

    /** {@code properties}: the component's properties, which tell a number that was set from its default. */
    static AuditSettings of(AuditConfiguration configuration, Map<String, Object> properties, BundleContext context) {
        return new AuditSettings(
                number(properties, configuration.retention_days(), context, "retention.days", 2190, 0),
                number(properties, configuration.checkpoint_minutes(), context, "checkpoint.minutes", 10, 1),
                number(properties, configuration.index_maxLag(), context, "index.maxLag", 20_000, 1),
                path(configuration.keyfile(), context, "keyfile", "etc/security/audit-signing.key"),
                path(configuration.checkpoints(), context, "checkpoints", "data/audit/checkpoints"),
                path(configuration.journal(), context, "journal", "data/audit/journal"),
                path(configuration.archive(), context, "archive", "data/audit/archive"));
    }

    private static Path path(String configured, BundleContext context, String name, String fallback) {
        return Setting.path(configured, context, "carehost.audit." + name, fallback);
    }

    private static long number(Map<String, Object> properties, long configured, BundleContext context, String name,
            long fallback, long minimum) {
        String value = properties.containsKey(name) ? Long.toString(configured)
                : Setting.of(null, context, "carehost.audit." + name, Long.toString(fallback));
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= minimum) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("The audit setting " + name + " (" + AuditConfiguration.PID
                + ".cfg, or the framework property carehost.audit." + name + ") must be a whole number of at least "
                + minimum + ", not '" + value + "'");
    }
}
