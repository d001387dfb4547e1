package org.carehost.security.internal;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The security manager's settings as used ({@code etc/org.carehost.security.cfg}): the configuration's value, else the
 * framework property it replaced (kept for existing installations, the test kit and the ITs), else the default.
 * They are read when the security manager starts; a change applies at the next start, since moving the policy or the
 * trust store under running plugins would mean pausing every check (the hooks stand from start to stop).
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

    static SecuritySettings of(Configuration configuration, BundleContext context) {
        return new SecuritySettings(
                path(configuration.policy(), context.getProperty(POLICY_PROPERTY), "etc/security/policy"),
                path(configuration.truststore(), context.getProperty(TRUST_PROPERTY), "etc/security/trusted"),
                path(configuration.pluginData(), context.getProperty(PLUGIN_DATA_PROPERTY), "data/plugins"));
    }

    static Path path(String configured, String property, String fallback) {
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured.trim());
        }
        return Paths.get(property == null || property.isBlank() ? fallback : property.trim());
    }
}
