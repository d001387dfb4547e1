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

import org.carehost.security.ContainerBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The container's configurations on their way through the guard: to the container's bundle that declares one it goes
 * as it is; to a plugin whose component names the same PID (even one that copies the schema, the symbolic name and a
 * low start level) it goes with no values. The bundles and Metatype are stand-ins: only their locations, start
 * levels and declared PIDs matter here; which bundles are the container's is {@link ContainerBundles}'s rule.
 */
class ContainerConfigurationsTest {

    @TempDir
    Path data;

    private final List<String> warnings = new ArrayList<>();
    /** When not empty, the bundles installed now (a test that uninstalls one changes it). */
    private final List<Bundle> installed = new ArrayList<>();

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

    /** The launcher's locations in these tests. */
    private static final ContainerBundles RULE = new ContainerBundles(
            "jar/org.carehost.audit,jar/org.carehost.security,jar/org.carehost.crypto", "50");

    private static Bundle bundle(long id, String name) {
        return bundle(id, name, "jar/" + name, 20);
    }

    private static Bundle bundle(long id, String name, String location, int startLevel) {
        BundleStartLevel level = stub(BundleStartLevel.class, Map.of("getStartLevel", startLevel));
        return stub(Bundle.class, Map.of("getBundleId", id, "getSymbolicName", name, "getLocation", location,
                "adapt", level, "getState", Bundle.ACTIVE));
    }

    private static Bundle plugin(long id, String name, int startLevel) {
        return bundle(id, name, "file:/srv/carehost/deploy/" + name + ".jar", startLevel);
    }

    private ConfigGuard guard(Bundle[] bundles, List<Bundle> declaring) {
        ObjectClassDefinition schema = stub(ObjectClassDefinition.class,
                Map.of("getAttributeDefinitions", new AttributeDefinition[0]));
        MetaTypeInformation declares = stub(MetaTypeInformation.class, Map.of(
                "getPids", new String[] {"org.carehost.audit", "org.carehost.security", "org.carehost.crypto"},
                "getFactoryPids", new String[0], "getObjectClassDefinition", schema));
        MetaTypeService metatype = (MetaTypeService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MetaTypeService.class},
                (proxy, method, args) -> declaring.contains(args[0]) ? declares : null);
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> installed.isEmpty() ? bundles : installed.toArray(new Bundle[0]);
                    case "getDataFile" -> new File(data.toFile(), (String) args[0]);
                    default -> null;
                });
        Logger log = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn")) {
                        warnings.add(String.valueOf(args[0]));
                    }
                    return null;
                });
        return new ConfigGuard(context, RULE, metatype, stub(EventAdmin.class, Map.of()), log, log);
    }

    private static Dictionary<String, Object> auditConfiguration() {
        return configuration("org.carehost.audit");
    }

    private static Dictionary<String, Object> configuration(String pid) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, pid);
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
        Bundle plugin = plugin(40, "com.example.curious", 60);
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
    void theSecurityManagersTheCiphersAndTheAuditsConfigurationsReachNoPluginWhateverItCopies() {
        Bundle audit = bundle(12, "org.carehost.audit");
        Bundle security = bundle(13, "org.carehost.security");
        Bundle crypto = bundle(14, "org.carehost.crypto");
        // Named like the security manager, its schema copied, installed by an operator below the plugins' level.
        Bundle impostor = plugin(3, "org.carehost.security", 10);
        ConfigGuard guard = guard(new Bundle[] {impostor, audit, security, crypto},
                List.of(audit, security, crypto, impostor));
        for (String pid : List.of("org.carehost.security", "org.carehost.crypto", "org.carehost.audit")) {
            Dictionary<String, Object> toPlugin = configuration(pid);
            guard.modifyConfiguration(receiver(impostor), toPlugin);
            assertEquals(List.of(Constants.SERVICE_PID), Collections.list(toPlugin.keys()), pid + ": only the PID is left");
        }
        Dictionary<String, Object> toSecurity = configuration("org.carehost.security");
        guard.modifyConfiguration(receiver(security), toSecurity);
        assertEquals("30", toSecurity.get("retention.days"), "the container's bundles get the values");
        assertEquals(3, warnings.size(), warnings.toString());
    }

    @Test
    void aConfigurationIsTheContainersOnlyIfOneOfTheContainersBundlesDeclaresIt() {
        Bundle audit = bundle(12, "org.carehost.audit");
        Bundle plugin = plugin(40, "com.example.curious", 60);
        Bundle[] bundles = {audit, plugin};
        assertTrue(ContainerConfigurations.withheld(plugin, "org.carehost.audit", bundles, RULE::isContainer,
                (b, pid) -> b == audit));
        assertFalse(ContainerConfigurations.withheld(audit, "org.carehost.audit", bundles, RULE::isContainer,
                (b, pid) -> true));
        assertTrue(ContainerConfigurations.withheld(null, "org.carehost.audit", bundles, RULE::isContainer,
                (b, pid) -> b == audit));
        // only the plugin declares it: its own configuration
        assertFalse(ContainerConfigurations.withheld(plugin, "com.example.curious", bundles, RULE::isContainer,
                (b, pid) -> b == plugin));
    }

    @Test
    void otherConfigurationsAreNotWithheld() {
        Bundle plugin = plugin(40, "com.example.curious", 60);
        ConfigGuard guard = guard(new Bundle[] {plugin}, List.of());
        Dictionary<String, Object> own = new Hashtable<>();
        own.put(Constants.SERVICE_PID, "com.example.curious");
        own.put("greeting", "hello");
        guard.modifyConfiguration(receiver(plugin), own);
        assertEquals("hello", own.get("greeting"));
    }

    private static Dictionary<String, Object> fromFile(String pid) {
        Dictionary<String, Object> properties = configuration(pid);
        properties.put(FilesGone.FILENAME, "file:/srv/carehost/etc/" + pid + ".cfg");
        return properties;
    }

    @Test
    void aPidUnderAPluginsNameReachesThatPluginAloneWhoeverAsksFirst() {
        Bundle victim = plugin(41, "com.example.victim", 60);
        Bundle spy = plugin(40, "com.example.spy", 60); // installed first, asks first
        ConfigGuard guard = guard(new Bundle[] {spy, victim}, List.of());
        Dictionary<String, Object> toSpy = fromFile("com.example.victim.Service");
        guard.modifyConfiguration(receiver(spy), toSpy);
        assertEquals(List.of(Constants.SERVICE_PID), Collections.list(toSpy.keys()), "the spy gets only the PID");
        assertTrue(warnings.get(0).contains("withheld from plugin {}: it is plugin {}'s"), warnings.toString());

        Dictionary<String, Object> toVictim = fromFile("com.example.victim.Service");
        guard.modifyConfiguration(receiver(victim), toVictim);
        assertEquals("30", toVictim.get("retention.days"), "its own: the values");
        assertEquals(null, toVictim.get(FilesGone.FILENAME), "not where the file is");
        assertEquals(1, warnings.size(), warnings.toString());
        // the same withholding again is not news
        guard.modifyConfiguration(receiver(spy), fromFile("com.example.victim.Service"));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void anyOtherPidIsTheFirstReceiversWhileItIsInstalledAcrossRestarts() {
        Bundle first = plugin(40, "com.example.first", 60);
        Bundle second = plugin(41, "com.example.second", 60);
        installed.addAll(List.of(first, second));
        ConfigGuard guard = guard(new Bundle[0], List.of());
        Dictionary<String, Object> toFirst = fromFile("shared.Settings");
        guard.modifyConfiguration(receiver(first), toFirst);
        assertEquals("30", toFirst.get("retention.days"));
        Dictionary<String, Object> toSecond = fromFile("shared.Settings");
        guard.modifyConfiguration(receiver(second), toSecond);
        assertEquals(List.of(Constants.SERVICE_PID), Collections.list(toSecond.keys()));

        // a new guard (a restart) reads the record: still the first plugin's, even if the second asks first now
        Dictionary<String, Object> afterRestart = fromFile("shared.Settings");
        guard(new Bundle[0], List.of()).modifyConfiguration(receiver(second), afterRestart);
        assertEquals(List.of(Constants.SERVICE_PID), Collections.list(afterRestart.keys()));

        // once the first is uninstalled, the PID is the next plugin's it is given to
        installed.remove(first);
        Dictionary<String, Object> afterUninstall = fromFile("shared.Settings");
        guard.modifyConfiguration(receiver(second), afterUninstall);
        assertEquals("30", afterUninstall.get("retention.days"));
    }
}
