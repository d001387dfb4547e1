package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Paths;
import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * The security manager's settings: what Declarative Services delivered, else what Config Admin holds, else the
 * framework property the setting replaced, else the default. The context is a stand-in answering properties only.
 */
class SecuritySettingsTest {

    private static SecuritySettings.Configuration configuration(String policy) {
        return (SecuritySettings.Configuration) Proxy.newProxyInstance(SecuritySettingsTest.class.getClassLoader(),
                new Class<?>[] {SecuritySettings.Configuration.class},
                (proxy, method, args) -> method.getName().equals("policy") ? policy : "");
    }

    private static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(SecuritySettingsTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> method.getName().equals("getProperty") ? properties.get(args[0]) : null);
    }

    @Test
    void deliveredThenStoredThenTheOldPropertyThenTheDefault() {
        BundleContext old = context(Map.of("carehost.security.policy", "/old/policy",
                "carehost.security.truststore", "/old/trusted"));
        Hashtable<String, Object> stored = new Hashtable<>(Map.of("policy", "/stored/policy", "pluginData", "/stored/plugins"));

        SecuritySettings delivered = SecuritySettings.of(configuration("/delivered/policy"), stored, old);
        assertEquals(Paths.get("/delivered/policy"), delivered.policy());
        assertEquals(Paths.get("/old/trusted"), delivered.trustStore());
        assertEquals(Paths.get("/stored/plugins"), delivered.pluginData());

        assertEquals(Paths.get("/stored/policy"), SecuritySettings.of(configuration(""), stored, old).policy());
        assertEquals(Paths.get("/old/policy"), SecuritySettings.of(configuration(" "), null, old).policy());
        SecuritySettings defaults = SecuritySettings.of(configuration(""), null, context(Map.of()));
        assertEquals(new SecuritySettings(Paths.get("etc/security/policy"), Paths.get("etc/security/trusted"),
                Paths.get("data/plugins")), defaults);
    }
}
