package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.event.SecurityEvents;
import org.carehost.sdk.plugin.PluginEvents;
import org.carehost.security.Denial;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Quotas and access anomalies (care-context issue, item 7): a plugin over its calls per minute gets a clear
 * exception, the call is audited as denied and RESOURCE_EXCEEDED is posted; a plugin touching more distinct
 * patients in an hour than the threshold raises ACCESS_ANOMALY and shows in the denials.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class QuotaAndAnomalyIT {

    private static final String PLUGIN = "org.carehost.fixture.evil.undeclared.write";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Inject
    AuditLog audit;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("quota")};
    }

    @Test
    public void overItsQuotaAPluginIsRefusedAndTooManyPatientsRaiseAnAnomaly() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, new String[] {PluginEvents.RESOURCE_EXCEEDED, SecurityEvents.ACCESS_ANOMALY});
        context.registerService(EventHandler.class, events::add, topics);

        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        Files.writeString(policy, "quota plugin " + PLUGIN + " 3\nanomaly patients-per-hour 2\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Bundle plugin = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-undeclared-write"));
        plugin.start();
        Await.until("the quota is in force", 20_000, () -> security.report(plugin).quotaPerMinute() == 3);

        for (int call = 1; call <= 3; call++) {
            String outcome = attack();
            assertTrue(call + ": " + outcome, outcome.startsWith("created "));
        }
        String over = attack();
        assertTrue(over, over.startsWith("QuotaExceededException: Plugin " + PLUGIN));
        assertTrue(over, over.contains("3 host-service calls per minute"));

        Await.until("RESOURCE_EXCEEDED and ACCESS_ANOMALY posted", 10_000, () -> events.size() >= 2);
        assertEquals(1, events.stream().filter(e -> e.getTopic().equals(PluginEvents.RESOURCE_EXCEEDED)).count());
        assertEquals(1, events.stream().filter(e -> e.getTopic().equals(SecurityEvents.ACCESS_ANOMALY)).count());
        List<Denial> denials = security.denials(20);
        assertTrue(denials.toString(), denials.stream().anyMatch(d -> d.reason().contains("access anomaly")));
        assertTrue(denials.toString(), denials.stream().anyMatch(d -> d.reason().contains("quota of 3")));

        Await.until("the refused call is in the trail", 10_000, () -> {
            for (AuditRecord record : audit.query(new AuditQuery(null, PLUGIN, null, AuditOutcome.DENIED, null, null, 0, 20)).items()) {
                if (record.operation().equals("PatientService.create") && record.reason().contains("QuotaExceededException")) {
                    return true;
                }
            }
            return false;
        });
    }

    private String attack() throws Exception {
        return Fixtures.callProbe(context, "write-patients");
    }
}
