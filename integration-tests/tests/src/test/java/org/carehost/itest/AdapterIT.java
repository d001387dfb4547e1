package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxEntry;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginCalls;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
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
 * Adapters on the real container: {@code adapter:list} shows the fixture's system; {@code adapter:send} reads the
 * patient, calls the adapter through {@code PluginCalls}, and the adapter POSTs the FHIR JSON over loopback HTTP to a
 * mock of the hospital's system (the one thing outside the host, so the one mock); each attempt is audited (what, to
 * which system, for which tenant and patient, the outcome); an attempt the hospital refuses fails the command, stays
 * in the outbox and is retried once the (test) clock passes the back-off, with the same send id; a send to an unknown
 * system or of an unknown patient sends nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdapterIT {

    private static final String ADAPTER = "org.carehost.fixture.httpadapter";

    @Inject
    BundleContext context;

    @Inject
    PatientService patients;

    @Inject
    PluginCalls calls;

    @Inject
    Outbox outbox;

    @Inject
    AuditLog audit;

    @Inject
    CommandProcessor shell;

    private TestClock clock;
    private Hospital hospital;

    /** What the hospital's system received: path, send id header, body. */
    record Received(String path, String sendId, String body) {
    }

    /**
     * The hospital's system, mocked: a loopback listener speaking just enough HTTP/1.1 (one request per connection)
     * to answer each POST with the next status the test queued (201 when none), a Location naming what it stored.
     */
    static final class Hospital implements AutoCloseable {
        final ServerSocket server;
        final List<Received> received = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Hospital() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "mock-hospital");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/fhir";
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8));
                    String requestLine = in.readLine();
                    Map<String, String> headers = new HashMap<>();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        int colon = line.indexOf(':');
                        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                    }
                    char[] body = new char[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
                    int read = 0;
                    while (read < body.length) {
                        int n = in.read(body, read, body.length - read);
                        if (n < 0) {
                            break;
                        }
                        read += n;
                    }
                    Integer queued = statuses.poll();
                    int status = queued == null ? 201 : queued;
                    received.add(new Received(requestLine.split(" ")[1], headers.get("x-carehost-send"),
                            new String(body, 0, read)));
                    String location = "Patient/remote-" + received.size();
                    String answer = "HTTP/1.1 " + status + (status == 201 ? " Created" : " Unavailable") + "\r\n"
                            + (status == 201 ? "Location: " + location + "\r\n" : "")
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n";
                    OutputStream out = socket.getOutputStream();
                    out.write(answer.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path policy = new File(deploy, "../" + deploy.getName() + "-etc/security/policy").toPath();
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, "mode development\ngrant plugin " + ADAPTER + " use:network 127.0.0.1:*\n");
        return new Option[] {ContainerOptions.hostServices(deploy,
                "jdbc:h2:mem:adapters-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")};
    }

    @Before
    public void setUp() throws Exception {
        clock = TestClock.register(context, Instant.parse("2032-01-01T00:00:00Z"));
        if (Fixtures.installed(context, ADAPTER).isEmpty()) {
            Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-http-adapter")).start();
        }
        Await.until("the adapter is ready", 20_000, () -> Fixtures.hasFunctionProbe(context, "http-adapter"));
        hospital = new Hospital();
        assertEquals("ok", Fixtures.applyProbe(context, "http-adapter", "target|" + hospital.url()));
    }

    @After
    public void tearDown() throws IOException {
        hospital.close();
        clock.close();
    }

    private Patient patient() {
        return patients.create(Patient.builder().addName(HumanName.official("Sendable", "Ada"))
                .addIdentifier(Identifier.mrn("urn:carehost:test:mrn", "S-" + UUID.randomUUID()))
                .birthDate(LocalDate.of(1960, 7, 8)).build());
    }

    private List<AuditRecord> records(String operation, String resourceId) {
        return audit.query(AuditQuery.latest(100)).items().stream()
                .filter(record -> operation.equals(record.operation()) && resourceId.equals(record.resourceId()))
                .toList();
    }

    private OutboxEntry entry(String id) {
        return outbox.entries(false).stream().filter(entry -> entry.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no outbox entry " + id));
    }

    private PluginCallStats stats() {
        long id = Fixtures.bundle(context, ADAPTER).getBundleId();
        return calls.stats().stream().filter(stats -> stats.bundleId() == id).findFirst()
                .orElseThrow(() -> new AssertionError("the adapter was never called"));
    }

    @Test
    public void aPatientIsSentToTheHospitalAndAudited() throws Exception {
        String list = Shell.run(shell, "adapter:list");
        assertTrue(list, list.contains("test-hospital") && list.contains(ADAPTER) && list.contains("yes"));

        Patient patient = patient();
        String out = Shell.run(shell, "adapter:send test-hospital " + patient.id());
        assertTrue(out, out.contains("Sent Patient/" + patient.id() + " to test-hospital")
                && out.contains("receipt: Patient/remote-"));
        assertEquals(1, hospital.received.size());
        Received got = hospital.received.get(0);
        assertEquals("/fhir/Patient", got.path());
        assertTrue(got.body(), got.body().contains(patient.medicalRecordNumber().orElseThrow().value()));
        assertTrue(got.sendId() != null && !got.sendId().isBlank());

        AuditRecord attempt = records("Adapter.send", patient.id()).get(0);
        assertEquals(AuditOutcome.SUCCESS, attempt.outcome());
        assertEquals("Patient", attempt.resourceType());
        assertEquals(patient.id(), attempt.patientId());
        assertEquals("default", attempt.tenant());
        assertTrue(attempt.query(), attempt.query().contains("to test-hospital through " + ADAPTER + " 1.0.0")
                && attempt.query().contains("send " + got.sendId()) && attempt.query().contains("receipt Patient/remote-"));
        assertEquals(AuditOutcome.SUCCESS, records("AdapterService.send", patient.id()).get(0).outcome());
    }

    @Test
    public void aRefusedSendStaysInTheOutboxAndIsRetriedWithTheSameId() throws Exception {
        Patient patient = patient();
        long failuresBefore = calls.stats().stream()
                .filter(stats -> ADAPTER.equals(stats.symbolicName())).mapToLong(PluginCallStats::failures).sum();
        hospital.statuses.add(503);
        String message;
        try {
            Shell.run(shell, "adapter:send test-hospital Patient/" + patient.id());
            fail("a refused first attempt fails the command");
            return;
        } catch (Exception expected) {
            message = String.valueOf(expected.getMessage());
        }
        assertTrue(message, message.contains("test-hospital answered HTTP 503")
                && message.contains("stays in the outbox as send"));
        String sendId = message.replaceAll("(?s).*stays in the outbox as send ([0-9a-f-]{36}).*", "$1");
        OutboxEntry pending = entry(sendId);
        assertEquals("PENDING", pending.state());
        assertEquals(1, pending.attempts());
        assertEquals("adapter:test-hospital", pending.channel());
        AuditRecord refused = records("Adapter.send", patient.id()).get(0);
        assertEquals(AuditOutcome.ERROR, refused.outcome());
        assertTrue(refused.reason(), refused.reason().contains("HTTP 503"));
        assertTrue("the failure is counted", stats().failures() > failuresBefore);

        clock.advance(Duration.ofSeconds(6)); // past the first back-off (5 s)
        Await.until("the retry is delivered", 20_000, () -> entry(sendId).state().equals("DELIVERED"));
        assertEquals(2, hospital.received.size());
        assertEquals("both attempts carry the send's id", hospital.received.get(0).sendId(),
                hospital.received.get(1).sendId());
        assertEquals(sendId, hospital.received.get(1).sendId());
        assertEquals(AuditOutcome.SUCCESS, records("Adapter.send", patient.id()).get(0).outcome());
    }

    @Test
    public void anUnknownSystemOrPatientSendsNothing() throws Exception {
        Patient patient = patient();
        for (String[] bad : new String[][] {{"no-such-system " + patient.id(), "no adapter serves system 'no-such-system'"},
                {"test-hospital " + UUID.randomUUID(), "ResourceNotFound"},
                {"test-hospital Observation/1", "is not a resource to send"}}) {
            try {
                Shell.run(shell, "adapter:send " + bad[0]);
                fail("adapter:send " + bad[0] + " must fail");
            } catch (Exception expected) {
                String text = expected.getClass().getSimpleName() + ": " + expected.getMessage();
                assertTrue(text, text.contains(bad[1]) || String.valueOf(expected.getCause()).contains(bad[1]));
            }
        }
        assertEquals("nothing reached the hospital", 0, hospital.received.size());
        assertEquals(AuditOutcome.ERROR, records("AdapterService.send", patient.id()).get(0).outcome());
        Bundle plugin = Fixtures.bundle(context, ADAPTER);
        assertEquals(Bundle.ACTIVE, plugin.getState());
    }

    @Test
    public void aPatientWhoOptedOutOfTheAdaptersPluginIsNotSent() throws Exception {
        Patient patient = patient();
        Shell.run(shell, "consent:add " + patient.id() + " plugin " + ADAPTER);
        try {
            Shell.run(shell, "adapter:send test-hospital " + patient.id());
            fail("a patient who opted out of the adapter's plugin is not sent");
        } catch (Exception expected) {
            String text = expected.getClass().getSimpleName() + ": " + expected.getMessage();
            assertTrue(text, text.contains("patient " + patient.id()) && text.contains("not sent through it"));
        }
        assertEquals("nothing reached the hospital", 0, hospital.received.size());
        assertEquals(AuditOutcome.DENIED, records("AdapterService.send", patient.id()).get(0).outcome());
    }
}
