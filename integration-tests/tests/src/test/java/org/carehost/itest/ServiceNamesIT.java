package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxEntry;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The names plugins serve by (an adapter's system, a notifier's channel) cannot be taken over (red team 15):
 * {@code evil-shadows-name}, a plugin with no permissions, offers the http-adapter's system and the test-notifier's
 * channel at the highest ranking. Where both plugins are enabled for the tenant neither is used: the send fails naming
 * both and the next step, {@code adapter:list} and {@code notify:list} show it, the notification stays in the outbox
 * and is delivered to the honest plugin once the operator removes the other; in a tenant the shadow is not enabled
 * for, the honest plugin serves and the shadow gets nothing. {@code evil-jams-outbox}'s notifier has a channel
 * property it keeps changing (a HashSet): the outbox goes on delivering everyone else's notifications.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServiceNamesIT {

    private static final String ADAPTER = "org.carehost.fixture.httpadapter";
    private static final String NOTIFIER = "org.carehost.fixture.testnotifier";
    private static final String SHADOW = "org.carehost.fixture.evil.shadowsname";
    private static final String JAM = "org.carehost.fixture.evil.jamsoutbox";

    @Inject
    BundleContext context;

    @Inject
    PatientService patients;

    @Inject
    Outbox outbox;

    @Inject
    CommandProcessor shell;

    @Inject
    ContextBinder binder;

    @Inject
    Tenants tenants;

    private TestClock clock;
    private AdapterIT.Hospital hospital;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path policy = new File(deploy, "../" + deploy.getName() + "-etc/security/policy").toPath();
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, "mode development\ngrant plugin " + ADAPTER + " use:network 127.0.0.1:*\n");
        return new Option[] {ContainerOptions.hostServices(deploy,
                "jdbc:h2:mem:names-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")};
    }

    @Before
    public void setUp() throws Exception {
        clock = TestClock.register(context, Instant.parse("2033-01-01T00:00:00Z"));
        start(ADAPTER, "carehost-fixture-http-adapter", "http-adapter");
        start(NOTIFIER, "carehost-fixture-test-notifier", "test-notifier");
        hospital = new AdapterIT.Hospital();
        assertEquals("ok", Fixtures.applyProbe(context, "http-adapter", "target|" + hospital.url()));
    }

    @After
    public void tearDown() throws Exception {
        hospital.close();
        clock.close();
        for (String plugin : new String[] {SHADOW, JAM}) {
            Fixtures.installed(context, plugin).ifPresent(ServiceNamesIT::uninstall);
        }
    }

    private void start(String plugin, String jar, String probe) throws Exception {
        if (Fixtures.installed(context, plugin).isEmpty()) {
            Fixtures.installAsPlugin(context, ContainerOptions.bundleFile(jar)).start();
        }
        Await.until(plugin + " is ready", 20_000, () -> Fixtures.hasFunctionProbe(context, probe));
    }

    private static void uninstall(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String probe(String name, String command) {
        try {
            return Fixtures.applyProbe(context, name, command);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private OutboxEntry entry(String id) {
        return outbox.entries(false).stream().filter(entry -> entry.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no outbox entry " + id));
    }

    private <T> T in(String tenant, java.util.concurrent.Callable<T> work) throws Exception {
        try (ContextBinder.Binding binding = binder.bind(binder.declare(tenant, "dr.lee", Set.of("physician"),
                Purpose.TREATMENT, null))) {
            return work.call();
        }
    }

    @Test
    public void aSecondPluginOnAnAdaptersSystemIsAConflictAndReceivesNothing() throws Exception {
        start(SHADOW, "carehost-fixture-evil-shadows-name", "evil-shadows-name");
        Patient patient = patients.create(Patient.builder().addName(HumanName.official("Okafor", "Adaeze"))
                .addIdentifier(Identifier.mrn("urn:carehost:test:mrn", "N-" + UUID.randomUUID())).build());
        try {
            String out = Shell.run(shell, "adapter:send test-hospital " + patient.id());
            fail("a system two plugins offer is sent to neither: " + out);
        } catch (Exception refused) {
            String message = String.valueOf(refused.getMessage());
            assertTrue(message, message.contains("test-hospital") && message.contains(SHADOW)
                    && message.contains(ADAPTER) && message.contains("plugin:uninstall"));
        }
        assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));
        assertEquals("the hospital got nothing", 0, hospital.received.size());
        String list = Shell.run(shell, "adapter:list");
        assertTrue(list, list.contains("CONFLICT") && list.contains(SHADOW) && list.contains(ADAPTER));

        // the operator keeps the honest one for the tenant: it serves again, the shadow still gets nothing
        tenants.disable(SHADOW, "default", "test");
        try {
            String out = Shell.run(shell, "adapter:send test-hospital " + patient.id());
            assertTrue(out, out.contains("Sent Patient/" + patient.id() + " to test-hospital"));
            assertEquals(1, hospital.received.size());
            assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));
        } finally {
            tenants.enable(SHADOW, "default", "test");
        }
        // the system is now the honest plugin's, which served it first: it serves with the shadow enabled again
        String again = Shell.run(shell, "adapter:send test-hospital " + patient.id());
        assertTrue(again, again.contains("Sent Patient/" + patient.id() + " to test-hospital"));
        assertEquals(2, hospital.received.size());

        // and while it is stopped, nothing is sent to the shadow, alone on the system (red team 21's channel hijack)
        Bundle honest = Fixtures.bundle(context, ADAPTER);
        honest.stop();
        try {
            String out = Shell.run(shell, "adapter:send test-hospital " + patient.id());
            fail("the system's plugin is stopped: " + out);
        } catch (Exception refused) {
            String message = String.valueOf(refused.getMessage());
            assertTrue(message, message.contains("is plugin " + ADAPTER + "'s")
                    && message.contains("plugin:start " + ADAPTER));
        } finally {
            honest.start();
        }
        assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));
        assertEquals(2, hospital.received.size());
    }

    /**
     * Red team 21: while the honest notifier's plugin was stopped, a plugin offering its channel received every
     * notification queued for it. A channel is the plugin's that served it first, while that plugin is installed.
     */
    @Test
    public void aSecondPluginOnAChannelIsAConflictAndTheChannelIsThePluginsThatServedItFirst() throws Exception {
        start(SHADOW, "carehost-fixture-evil-shadows-name", "evil-shadows-name");
        // in the default tenant both are enabled and neither has served the channel: neither is used, the notification
        // stays in the outbox
        String id = in("default", () -> probe("test-notifier", "send|test|c/" + UUID.randomUUID()
                + "|ward-8|results ready"));
        Await.until("the conflict recorded", 20_000, () -> entry(id).lastError() != null);
        OutboxEntry waiting = entry(id);
        assertEquals("PENDING", waiting.state());
        assertTrue(waiting.lastError(), waiting.lastError().contains(SHADOW) && waiting.lastError().contains(NOTIFIER)
                && waiting.lastError().contains("plugin:uninstall"));
        String list = Shell.run(shell, "notify:list");
        assertTrue(list, list.contains("channel test") && list.contains(SHADOW) && list.contains(NOTIFIER));
        assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));

        // a tenant where only the honest notifier's plugin is enabled: it serves there, and the channel is its own
        String ward = tenants.create("ward-" + UUID.randomUUID().toString().substring(0, 8), "Ward", "test").id();
        tenants.enable(NOTIFIER, ward, "test");
        String elsewhere = in(ward, () -> probe("test-notifier", "send|test|w/" + UUID.randomUUID()
                + "|ward-9|viral load 48000 copies/mL"));
        Await.until("delivered in " + ward, 20_000, () -> entry(elsewhere).state().equals("DELIVERED"));
        assertTrue(probe("test-notifier", "delivered"), probe("test-notifier", "delivered")
                .contains("ward-9 viral load 48000 copies/mL " + ward));

        // the channel's plugin stopped: the waiting notification's next attempt waits for it, and the shadow, alone
        // on the channel now, gets nothing (red team 21: it received everything queued)
        Bundle honest = Fixtures.bundle(context, NOTIFIER);
        honest.stop();
        try {
            clock.set(waiting.nextAttempt());
            Await.until("the attempt refused for the channel's plugin", 20_000, () -> String.valueOf(
                    entry(id).lastError()).contains("is plugin " + NOTIFIER + "'s"));
            assertEquals("PENDING", entry(id).state());
            assertTrue(entry(id).lastError(), entry(id).lastError().contains("plugin:start " + NOTIFIER));
            assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));
        } finally {
            honest.start();
        }
        Await.until(NOTIFIER + " is ready", 20_000, () -> Fixtures.hasFunctionProbe(context, "test-notifier"));
        clock.set(entry(id).nextAttempt());
        Await.until("delivered once its plugin is back", 20_000, () -> entry(id).state().equals("DELIVERED"));
        assertTrue(probe("test-notifier", "delivered").contains("ward-8 results ready default"));

        // with both registered and enabled, the channel's plugin serves: no conflict once it has served
        String next = in("default", () -> probe("test-notifier", "send|test|n/" + UUID.randomUUID()
                + "|ward-7|discharge summary"));
        Await.until("delivered to the channel's plugin", 20_000, () -> entry(next).state().equals("DELIVERED"));
        assertTrue(probe("test-notifier", "delivered").contains("ward-7 discharge summary default"));
        assertEquals("the shadow got nothing", "", probe("evil-shadows-name", "got"));
    }

    @Test
    public void aNotifierChangingItsChannelPropertyDoesNotStopDelivery() throws Exception {
        if (Fixtures.installed(context, JAM).isEmpty()) {
            Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-jams-outbox")).start();
        }
        Bundle jam = Fixtures.bundle(context, JAM);
        // not by a filter on its channel: the framework would iterate the set the plugin changes on this thread
        Await.until("the jam notifier is registered", 20_000, () -> jam.getState() == Bundle.ACTIVE
                && jam.getRegisteredServices() != null);
        for (int i = 0; i < 3; i++) {
            String id = in("default", () -> probe("test-notifier", "send|test|j/" + UUID.randomUUID()
                    + "|ward-5|page " + UUID.randomUUID()));
            Await.until("delivered while the jam notifier changes its property", 20_000,
                    () -> entry(id).state().equals("DELIVERED"));
        }
        assertEquals("the jam plugin still runs (it changes its property all along)", Bundle.ACTIVE, jam.getState());
    }
}
