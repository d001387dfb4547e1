package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.carehost.sdk.context.Purpose;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.internal.ApiRules.Verdict;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The small rule tables: API verdicts, imports, service visibility and event topics. */
class RulesTest {

    /** A clock standing still, so that no test here crosses a quota's minute or an anomaly's hour. */
    private static final java.time.Clock FIXED = java.time.Clock.fixed(java.time.Instant.parse("2030-01-01T10:00:10Z"),
            java.time.ZoneOffset.UTC);

    @Test
    void apiVerdictsFollowTheFirstMatchingLine() {
        ApiRules rules = ApiRules.standard();
        assertTrue(rules.judge("java/net/URI", "create", "(Ljava/lang/String;)Ljava/net/URI;").allowed());
        assertEquals(Permission.USE_NETWORK, rules.judge("java/net/URL", "openStream", "()Ljava/io/InputStream;").permission());
        assertEquals(Permission.USE_FILES, rules.judge("java/io/PrintStream", "<init>", "(Ljava/lang/String;)V").permission());
        assertTrue(rules.judge("java/io/PrintStream", "<init>", "(Ljava/io/OutputStream;)V").allowed());
        assertTrue(rules.judge("java/lang/System", "exit", "(I)V").forbidden());
        assertTrue(rules.judge("java/lang/System", "currentTimeMillis", "()J").allowed());
        assertTrue(rules.judge("java/lang/ClassLoader", "getResourceAsStream", "(Ljava/lang/String;)Ljava/io/InputStream;").allowed());
        assertEquals(Permission.USE_REFLECTION, rules.judge("java/lang/ClassLoader", "loadClass", null).permission());
        assertEquals(Permission.USE_REFLECTION, rules.judge("sun/misc/Unsafe", "getUnsafe", null).permission());
        assertTrue(rules.judge("org/osgi/framework/Bundle", "getBundleContext", null).forbidden());
    }

    @Test
    void badRuleLinesAreRefused() {
        Verdict unused = Verdict.ALLOWED;
        assertTrue(unused.allowed());
        try {
            ApiRules.parse(List.of("use:patients java/net/Socket"));
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("line 1"));
            return;
        }
        throw new AssertionError("accepted a host-service permission as an API verdict");
    }

    @Test
    void pluginsImportOnlyTheAllowList() {
        ImportRules rules = new ImportRules(List.of("com.example.lib.*"));
        assertTrue(rules.allowed("org.carehost.sdk.patient"));
        assertTrue(rules.allowed("java.util"));
        assertTrue(rules.allowed("org.osgi.framework"));
        assertTrue(rules.allowed("com.example.lib"));
        assertTrue(rules.allowed("com.example.lib.json"));
        assertFalse(rules.allowed("com.example.library"));
        assertFalse(rules.allowed("org.osgi.framework.hooks.weaving"));
        assertFalse(rules.allowed("org.osgi.framework.wiring"));
        assertFalse(rules.allowed("org.carehost.store"));
        assertFalse(rules.allowed("org.osgi.service.cm"));
        assertFalse(rules.allowed("javax.naming"));
        assertTrue(ImportRules.containerOnly("org.carehost.sdk.patient"));
        assertFalse(ImportRules.containerOnly("org.example.plugin"));
    }

    @Test
    void aPluginSeesAContainerServiceOnlyWithAPermissionForIt() {
        Grants readOnly = grants(Permission.READ_PATIENTS);
        assertNull(ServiceGate.hiddenBecause(readOnly, "org.carehost.sdk.patient.PatientService"));
        assertEquals("missing permission read:appointments or write:appointments",
                ServiceGate.hiddenBecause(readOnly, "org.carehost.sdk.appointment.AppointmentService"));
        assertEquals("missing permission publish:events", ServiceGate.hiddenBecause(readOnly, "org.osgi.service.event.EventAdmin"));
        assertEquals("org.carehost.store.Store is not available to plugins",
                ServiceGate.hiddenBecause(readOnly, "org.carehost.store.Store"));
        assertNull(ServiceGate.hiddenBecause(grants(), "org.carehost.sdk.plugin.Notifier"));
        assertNull(ServiceGate.hiddenBecause(grants(), "org.osgi.service.log.LoggerFactory"));
        assertNull(ServiceGate.hiddenBecause(grants(), "java.time.Clock"), "any plugin reads the container's clock");
        assertEquals("java.time.Clock", ServiceGate.impostor(new String[] {"java.time.Clock"}), "and none registers one");
        assertEquals("org.carehost.sdk.patient.PatientService",
                ServiceGate.impostor(new String[] {"java.lang.Runnable", "org.carehost.sdk.patient.PatientService"}));
        assertEquals("org.osgi.framework.hooks.service.FindHook",
                ServiceGate.impostor(new String[] {"org.osgi.framework.hooks.service.FindHook"}));
        assertNull(ServiceGate.impostor(new String[] {"org.carehost.sdk.plugin.Validator", "org.osgi.service.cm.ManagedService"}));
    }

    @Test
    void subscriptionsReachGatedTopicsThroughWildcards() {
        assertTrue(ServiceGate.reaches("*", "carehost/patient/"));
        assertTrue(ServiceGate.reaches("carehost/*", "carehost/patient/"));
        assertTrue(ServiceGate.reaches("carehost/patient/*", "carehost/patient/"));
        assertTrue(ServiceGate.reaches("carehost/patient/CREATED", "carehost/patient/"));
        assertFalse(ServiceGate.reaches("carehost/plugin/*", "carehost/patient/"));
        assertFalse(ServiceGate.reaches("carehost/pat*", "carehost/patient/"));
    }

    @Test
    void eachDeliveredEventIsCheckedAgainstTheGrantsInForceAndGetsAPurpose() {
        Grants readOnly = grants(Permission.READ_PATIENTS);
        assertNull(ServiceGate.forbiddenEvent(readOnly, "carehost/patient/CREATED"));
        assertEquals(Permission.READ_APPOINTMENTS, ServiceGate.forbiddenEvent(readOnly, "carehost/appointment/SCHEDULED"));
        assertEquals(Permission.READ_AUDIT, ServiceGate.forbiddenEvent(readOnly, "carehost/security/BREAK_GLASS"));
        assertNull(ServiceGate.forbiddenEvent(grants(), "org/example/plugin/DONE"));

        assertEquals(Purpose.TREATMENT, PluginEventHandler.purpose(event("carehost/patient/CREATED", null)));
        assertEquals(Purpose.TREATMENT, PluginEventHandler.purpose(event("carehost/appointment/CANCELLED", null)));
        assertEquals(Purpose.OPERATIONS, PluginEventHandler.purpose(event("carehost/security/BREAK_GLASS", null)));
        assertEquals(Purpose.PAYMENT, PluginEventHandler.purpose(event("carehost/appointment/CANCELLED", "HPAYMT")));
        assertEquals(Purpose.TREATMENT, PluginEventHandler.purpose(event("carehost/patient/CREATED", "emergency")),
                "an event cannot break the glass");
        assertEquals(Purpose.TREATMENT, PluginEventHandler.purpose(event("carehost/patient/CREATED", "gossip")));
    }

    private static Event event(String topic, String purpose) {
        Map<String, Object> properties = new HashMap<>();
        if (purpose != null) {
            properties.put(PluginEventHandler.PURPOSE, purpose);
        }
        return new Event(topic, properties);
    }

    @Test
    void serviceComponentHeadersListDescriptionsWithWildcards() {
        assertTrue(EntryPoints.listed("OSGI-INF/*.xml", "OSGI-INF/org.example.A.xml"));
        assertTrue(EntryPoints.listed("OSGI-INF/a.xml, /OSGI-INF/b.xml", "OSGI-INF/b.xml"));
        assertFalse(EntryPoints.listed("OSGI-INF/*.xml", "OSGI-INF/sub/x.xml"));
        assertFalse(EntryPoints.listed("OSGI-INF/a.xml", "OSGI-INF/b.xml"));
    }

    @Test
    void aQuotaStopsTheCallsOverItAndRaisesOneAlarmAndSoDoesAnAnomaly() {
        java.util.List<String> alarms = new java.util.ArrayList<>();
        PluginGrants plugin = new PluginGrants("p", "1.0.0", Permission.READ_PATIENTS.bit(),
                FIXED, new Denials(FIXED), new PluginGrants.Alarms() {
                    @Override
                    public void quotaExceeded(PluginGrants p, long limit) {
                        alarms.add("quota " + limit);
                    }

                    @Override
                    public void anomaly(PluginGrants p, long distinct, long threshold) {
                        alarms.add("anomaly " + distinct + "/" + threshold);
                    }
                });
        plugin.limits(2, 2);
        plugin.check(Permission.READ_PATIENTS);
        plugin.check(Permission.READ_PATIENTS);
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertThrows(org.carehost.sdk.security.QuotaExceededException.class,
                    () -> plugin.check(Permission.READ_PATIENTS));
        }
        plugin.touched("a");
        plugin.touched("a");
        plugin.touched("b");
        plugin.touched("c");
        plugin.touched("d");
        assertEquals(List.of("quota 2", "anomaly 3/2"), alarms);
        plugin.limits(0, 0);
        plugin.check(Permission.READ_PATIENTS);
    }

    @Test
    void aBurstOfRefusalsWithinAMinuteRaisesOneAnomaly() {
        java.util.List<String> alarms = new java.util.ArrayList<>();
        PluginGrants plugin = new PluginGrants("p", "1.0.0", 0, FIXED, new Denials(FIXED),
                new PluginGrants.Alarms() {
                    @Override
                    public void quotaExceeded(PluginGrants p, long limit) {
                    }

                    @Override
                    public void anomaly(PluginGrants p, long distinct, long threshold) {
                    }

                    @Override
                    public void denialBurst(PluginGrants p, long refusals, long threshold) {
                        alarms.add(refusals + "/" + threshold);
                    }
                });
        plugin.limits(0, 0, 3);
        plugin.refused();
        plugin.refused();
        org.junit.jupiter.api.Assertions.assertThrows(org.carehost.sdk.security.PermissionDeniedException.class,
                () -> plugin.check(Permission.READ_PATIENTS)); // a host-service refusal counts too
        assertEquals(List.of(), alarms, "three within the threshold");
        plugin.refused();
        plugin.refused();
        assertEquals(List.of("4/3"), alarms, "one alarm for the burst, not one per refusal");
        plugin.limits(0, 0, 1);
        plugin.refused();
        plugin.refused();
        assertEquals(List.of("4/3", "2/1"), alarms, "a new threshold starts a new watch");
        plugin.limits(0, 0, 0);
        plugin.refused();
        assertEquals(2, alarms.size(), "0: not watched");
    }

    private static Grants grants(Permission... held) {
        long bits = 0;
        for (Permission permission : held) {
            bits |= permission.bit();
        }
        return new PluginGrants("p", "1.0.0", bits, FIXED, new Denials(FIXED), null);
    }
}
