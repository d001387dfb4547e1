package org.carehost.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The audit trail's configuration on its way through the guard: to the audit bundle it goes as it is; to a plugin
 * whose component names the same PID (even one that copies the audit bundle's schema) it goes with no values.
 * The bundles and Metatype are stand-ins: only their ids and declared PIDs matter here.
 */
class ContainerConfigurationsTest {

    @TempDir
    Path data;

    private final List<String> warnings = new ArrayList<>();

    /** A stand-in for an OSGi interface: the given methods answer, every other returns null. */
    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(ContainerConfigurationsTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName();
                    default -> answers.get(method.getName());
                });
    }

    private static Bundle bundle(long id, String name) {
        return stub(Bundle.class, Map.of("getBundleId", id, "getSymbolicName", name));
    }

    private ConfigGuard guard(Bundle[] bundles, List<Bundle> declaring) {
        ObjectClassDefinition schema = stub(ObjectClassDefinition.class,
                Map.of("getAttributeDefinitions", new AttributeDefinition[0]));
        MetaTypeInformation declares = stub(MetaTypeInformation.class, Map.of(
                "getPids", new String[] {"org.carehost.audit"}, "getFactoryPids", new String[0],
                "getObjectClassDefinition", schema));
        MetaTypeService metatype = (MetaTypeService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MetaTypeService.class},
                (proxy, method, args) -> declaring.contains(args[0]) ? declares : null);
        BundleContext context = stub(BundleContext.class, Map.of("getBundles", bundles,
                "getDataFile", new File(data.toFile(), "last-good.ser")));
        Logger log = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.add(String.valueOf(args[0]));
                    }
                    return null;
                });
        return new ConfigGuard(context, metatype, stub(EventAdmin.class, Map.of()), log);
    }

    private static Dictionary<String, Object> auditConfiguration() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, "org.carehost.audit");
        properties.put("keyfile", "/secret/place/audit-signing.key");
        properties.put("retention.days", "30");
        return properties;
    }

    private static ServiceReference<?> receiver(Bundle bundle) {
        return stub(ServiceReference.class, Map.of("getBundle", bundle));
    }

    @Test
    void theAuditBundleGetsItsConfigurationAndAPluginGetsNoneOfIt() {
        Bundle audit = bundle(12, "org.carehost.audit");
        Bundle plugin = bundle(40, "com.example.curious");
        // The plugin copied the audit bundle's Metatype schema into its own jar.
        ConfigGuard guard = guard(new Bundle[] {bundle(0, "system"), audit, plugin}, List.of(audit, plugin));

        Dictionary<String, Object> toAudit = auditConfiguration();
        guard.modifyConfiguration(receiver(audit), toAudit);
        assertEquals("/secret/place/audit-signing.key", toAudit.get("keyfile"));
        assertEquals("30", toAudit.get("retention.days"));
        assertTrue(warnings.isEmpty(), warnings.toString());

        Dictionary<String, Object> toPlugin = auditConfiguration();
        guard.modifyConfiguration(receiver(plugin), toPlugin);
        assertEquals(List.of(Constants.SERVICE_PID), Collections.list(toPlugin.keys()), "only the PID is left");
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("withheld"), warnings.get(0));
    }

    @Test
    void aBundleThatDoesNotDeclareTheSchemaIsNeverTheOwner() {
        Bundle audit = bundle(12, "org.carehost.audit");
        Bundle plugin = bundle(40, "com.example.curious");
        Bundle[] bundles = {audit, plugin};
        assertTrue(ContainerConfigurations.owns(audit, "org.carehost.audit", bundles, (b, pid) -> b == audit));
        assertFalse(ContainerConfigurations.owns(plugin, "org.carehost.audit", bundles, (b, pid) -> b == audit));
        assertFalse(ContainerConfigurations.owns(null, "org.carehost.audit", bundles, (b, pid) -> true));
        // installed later than the owner: copying the schema does not make a plugin the owner
        assertFalse(ContainerConfigurations.owns(plugin, "org.carehost.audit", bundles, (b, pid) -> true));
    }

    @Test
    void otherConfigurationsAreNotWithheld() {
        Bundle plugin = bundle(40, "com.example.curious");
        ConfigGuard guard = guard(new Bundle[] {plugin}, List.of());
        Dictionary<String, Object> own = new Hashtable<>();
        own.put(Constants.SERVICE_PID, "com.example.curious");
        own.put("greeting", "hello");
        guard.modifyConfiguration(receiver(plugin), own);
        assertEquals("hello", own.get("greeting"));
    }
}
