package org.carehost.security.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;

import org.carehost.settings.Setting;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The security manager's settings as used ({@code etc/org.carehost.security.cfg}): the configuration's value, else the
 * framework property it replaced (kept for existing installations, the test kit and the ITs), else the default.
 * They are read when the security manager starts; a change applies at the next start, since moving the policy or the
 * trust store under running plugins would mean pausing every check (the hooks stand from start to stop). A file put in
 * {@code etc/} before the very first start reaches Config Admin only once the deploy watcher runs, after the security
 * manager started: it applies from the second start on (the console's warning says so).
 */
record SecuritySettings(Path policy, Path trustStore, Path pluginData) {

    static final String PID = "org.carehost.security";
    static final String POLICY_PROPERTY = "carehost.security.policy";
    static final String TRUST_PROPERTY = "carehost.security.truststore";
    static final String PLUGIN_DATA_PROPERTY = "carehost.plugins.data";

    @ObjectClassDefinition(id = PID, name = "Carehost security manager",
            description = "Where the security policy, the trusted signers and the plugins' own folders are. Read at "
                    + "start: a change applies at the next start.")
    @interface Configuration {

        @AttributeDefinition(required = false, description = "The policy file. Empty: the framework property "
                + "carehost.security.policy, else etc/security/policy.")
        String policy() default "";

        @AttributeDefinition(required = false, description = "The folder of trusted signers' certificates (.pem, "
                + ".crt, .cer). Empty: carehost.security.truststore, else etc/security/trusted.")
        String truststore() default "";

        @AttributeDefinition(required = false, description = "The folder under which each plugin gets its own "
                + "folder (use:files). Empty: carehost.plugins.data, else data/plugins.")
        String pluginData() default "";
    }

    /** From the configuration Declarative Services delivered, the one Config Admin holds ({@code stored}), or neither. */
    static SecuritySettings of(Configuration configuration, Dictionary<String, ?> stored, BundleContext context) {
        return new SecuritySettings(
                Setting.path(first(configuration.policy(), stored, "policy"), context, POLICY_PROPERTY,
                        "etc/security/policy"),
                Setting.path(first(configuration.truststore(), stored, "truststore"), context, TRUST_PROPERTY,
                        "etc/security/trusted"),
                Setting.path(first(configuration.pluginData(), stored, "pluginData"), context, PLUGIN_DATA_PROPERTY,
                        "data/plugins"));
    }

    /**
     * The stored {@code org.carehost.security} configuration, or null. Declarative Services may activate the security
     * manager before it hands the configuration over (Config Admin registers once its plugins are there), so the
     * security manager also asks Config Admin itself, once, at start.
     */
    static Dictionary<String, ?> stored(ConfigurationAdmin admin) {
        try {
            org.osgi.service.cm.Configuration[] found = admin.listConfigurations("(service.pid=" + PID + ")");
            return found == null ? null : found[0].getProperties();
        } catch (IOException | InvalidSyntaxException | RuntimeException unreadable) {
            return null;
        }
    }

    private static String first(String delivered, Dictionary<String, ?> stored, String key) {
        if (Setting.isSet(delivered)) {
            return delivered;
        }
        Object value = stored == null ? null : stored.get(key);
        return value == null ? null : String.valueOf(value);
    }
}
