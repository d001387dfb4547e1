package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxEntry;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.security.PluginLimits;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Notifications through the outbox, sent and delivered by a plugin ({@code test-notifier}): delivered once per
 * dedupe key in the sender's tenant; a channel whose notifier always fails is retried with growing pauses (the test
 * moves the container clock instead of sleeping) until the notification is a dead letter in
 * {@code notify:list --failed}; every attempt is audited; what is stored and delivered is minimised for the
 * sender's purpose of use as a read of the patient would be. {@link NotificationsPostgresIT} runs the same on PostgreSQL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NotificationsIT {

    @Inject
    BundleContext context;

    @Inject
    Outbox outbox;

    @Inject
    AuditLog audit;

    @Inject
    CommandProcessor shell;

    @Inject
    PluginLimits limits;

    @Inject
    ContextBinder binder;

    @Inject
    PatientService patients;

    @Inject
    org.carehost.sdk.appointment.AppointmentService appointments;

    @Inject
    org.carehost.context.Tenants tenants;

    private TestClock clock;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        return new Option[] {ContainerOptions.hostServices(deploy, jdbcUrl())};
    }

    protected String jdbcUrl() {
        return "jdbc:h2:mem:notifications-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Before
    public void setUp() throws Exception {
        clock = TestClock.register(context, Instant.parse("2031-01-01T00:00:00Z"));
        if (Fixtures.installed(context, "org.carehost.fixture.testnotifier").isEmpty()) {
            Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-test-notifier")).start();
        }
        Await.until("the notifier is ready", 20_000, () -> Fixtures.hasFunctionProbe(context, "test-notifier"));
    }

    @After
    public void tearDown() {
        clock.close();
    }

    private String notifier(String command) {
        try {
            return Fixtures.applyProbe(context, "test-notifier", command);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private OutboxEntry entry(String id) {
        return outbox.entries(false).stream().filter(entry -> entry.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no outbox entry " + id));
    }

    @Test
    public void aNotificationIsDeliveredOncePerDedupeKey() throws Exception {
        String key = "reminder/" + UUID.randomUUID();
        String id = notifier("send|test|" + key + "|ward-42|see you tomorrow");
        assertEquals("the same key is the same notification", id, notifier("send|test|" + key + "|ward-42|again"));
        Await.until("delivered", 20_000, () -> entry(id).state().equals("DELIVERED"));
        long deliveries = notifier("delivered").lines().filter(line -> line.equals("ward-42 see you tomorrow default"))
                .count();
        assertEquals(notifier("delivered"), 1, deliveries);
        assertTrue(notifier("delivered").lines().noneMatch(line -> line.contains(" again ")));
        assertTrue(notifier("send|no spaces allowed|k|r|b").startsWith("ValidationException"));
    }

    @Test
    public void aPluginsNotificationsAreBoundedInSizeAndInNumberWaiting() throws Exception {
        String plugin = "org.carehost.fixture.testnotifier";
        String big = notifier("send|test|big/" + UUID.randomUUID() + "|ward-1|" + "x".repeat(65 * 1024));
        assertTrue(big, big.startsWith("ValidationException") && big.contains("more than the 65536 a notification")
                && big.contains("'notification-kib plugin " + plugin + " <KiB>' in the security policy"));
        // the broken channel keeps what is sent to it waiting (its next attempt is due later than the test clock goes)
        long limit = waiting(plugin) + 3;
        try (PolicyLines line = PolicyLines.add(context, "notifications plugin " + plugin + " " + limit,
                () -> limits.pendingNotifications(plugin) == limit,
                () -> limits.pendingNotifications(plugin) == PluginLimits.DEFAULT_PENDING_NOTIFICATIONS)) {
            String refused = null;
            for (int sent = 0; refused == null && sent < limit + 10; sent++) {
                String answer = notifier("send|broken|waits/" + UUID.randomUUID() + "|ward-2|later");
                refused = answer.startsWith("ValidationException") ? answer : null;
            }
            assertTrue("refused once " + limit + " wait", refused != null);
            assertTrue(refused, refused.contains("waiting in the outbox, its limit")
                    && refused.contains("'notifications plugin " + plugin + " <n>' in the security policy"));
            assertTrue("never more waiting than the limit", waiting(plugin) <= limit);
        }
    }

    /**
     * Notifications sent at once cannot pass the limit on those waiting together: counted and stored as one step per
     * plugin. Eight at once where two fit (before, each counted the same waiting ones and more were queued).
     */
    @Test
    public void aPluginsWaitingNotificationsAreBoundedForSendsAtOnce() throws Exception {
        String plugin = "org.carehost.fixture.testnotifier";
        long limit = waiting(plugin) + 2;
        try (PolicyLines line = PolicyLines.add(context, "notifications plugin " + plugin + " " + limit,
                () -> limits.pendingNotifications(plugin) == limit,
                () -> limits.pendingNotifications(plugin) == PluginLimits.DEFAULT_PENDING_NOTIFICATIONS)) {
            List<String> answers = AtOnce.answers(8,
                    i -> () -> notifier("send|broken|at-once/" + UUID.randomUUID() + "|ward-3|later"));
            long queued = answers.stream().filter(answer -> !answer.startsWith("ValidationException")).count();
            assertEquals(answers.toString(), 2, queued);
            assertTrue(answers.toString(), answers.stream().filter(answer -> answer.startsWith("ValidationException"))
                    .allMatch(answer -> answer.contains("waiting in the outbox, its limit")));
            assertEquals(limit, waiting(plugin));
        }
    }

    private long waiting(String plugin) {
        return outbox.entries(false).stream().filter(entry -> entry.plugin().equals(plugin)
                && (entry.state().equals("PENDING") || entry.state().equals("SENDING"))).count();
    }

    @Test
    public void aChannelThatAlwaysFailsIsRetriedWithBackOffUntilADeadLetter() throws Exception {
        String id = notifier("send|broken|dead/" + UUID.randomUUID() + "|ward-7|your results are ready");
        for (int attempt = 1; attempt <= 8; attempt++) {
            int expected = attempt;
            Await.until("attempt " + attempt, 20_000, () -> entry(id).attempts() == expected);
            if (attempt < 8) {
                OutboxEntry waiting = entry(id);
                assertEquals("PENDING", waiting.state());
                // the pause doubles from 5 s: the next attempt is due 5 s * 2^(attempt - 1) after this one
                assertEquals(Duration.ofSeconds(5L << (attempt - 1)), Duration.between(clock.instant(), waiting.nextAttempt()));
                clock.set(waiting.nextAttempt());
            }
        }
        Await.until("a dead letter", 20_000, () -> entry(id).state().equals("DEAD"));
        assertTrue(entry(id).lastError().contains("does not answer"));
        String failed = Shell.run(shell, "notify:list --failed");
        assertTrue(failed, failed.contains(id));
        long attempts = 0;
        for (AuditRecord record : audit.query(AuditQuery.latest(200)).items()) {
            if ("Notifier.send".equals(record.operation()) && id.equals(record.resourceId())) {
                attempts++;
                assertEquals(AuditOutcome.ERROR, record.outcome());
            }
        }
        assertEquals("every attempt audited", 8, attempts);
    }

    @Test
    public void whatIsStoredAndDeliveredIsMinimisedForTheSendersPurpose() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID().toString().substring(0, 8);
        Patient stored = as(Purpose.TREATMENT, () -> patients.create(Patient.builder()
                .identifiers(java.util.List.of(Identifier.mrn("urn:test:mrn", mrn)))
                .names(java.util.List.of(HumanName.official("Quistorp", "Isolda")))
                .birthDate(java.time.LocalDate.of(1970, 3, 4))
                .telecom(java.util.List.of(new ContactPoint("phone", "+1 555 0100", "mobile"),
                        new ContactPoint("email", "isolda@example.org", null)))
                .addresses(java.util.List.of(new Address(java.util.List.of("12 Elm Street"), "Springfield", null, "99501", null)))
                .build()));
        String body = "Dear Isolda Quistorp (" + mrn + ", Patient/" + stored.id() + "): call +1 555 0100 or write to "
                + "isolda@example.org; post goes to 12 Elm Street, Springfield 99501";
        String treatment = delivered(Purpose.TREATMENT, stored.id(), body);
        assertEquals("treatment sees everything", "Patient/" + stored.id() + " " + body + " default", treatment);

        String operations = delivered(Purpose.OPERATIONS, stored.id(), body);
        assertEquals("operations: no contact details", "Patient/" + stored.id() + " Dear Isolda Quistorp (" + mrn
                + ", Patient/" + stored.id() + "): call [withheld] or write to [withheld]; post goes to [withheld], "
                + "[withheld] [withheld] default", operations);

        String research = delivered(Purpose.RESEARCH, stored.id(), body);
        String pseudonym = research.substring("Patient/".length(), research.indexOf(' '));
        assertTrue(research, !pseudonym.equals(stored.id()) && !pseudonym.isBlank());
        assertEquals("research: a pseudonym, no direct identifier", "Patient/" + pseudonym + " Dear [withheld] [withheld] "
                + "([withheld], Patient/" + pseudonym + "): call [withheld] or write to [withheld]; post goes to "
                + "[withheld], [withheld] [withheld] default", research);
        for (String value : java.util.List.of("Isolda", "Quistorp", mrn, "555", "isolda@", "Elm", "99501", stored.id())) {
            assertTrue(value + " left in " + research, !research.contains(value));
        }

        // a recipient that is not a patient: nothing tells whose values the text holds, so it does not leave
        for (Purpose minimised : java.util.List.of(Purpose.PAYMENT, Purpose.OPERATIONS, Purpose.RESEARCH)) {
            String key = "ward/" + UUID.randomUUID();
            String refused = as(minimised, () -> notifier("send|test|" + key + "|ward-7|" + body));
            assertTrue(refused, refused.startsWith("ValidationException") && refused.contains("for purpose "
                    + minimised.code() + " (" + minimised.name().toLowerCase(java.util.Locale.ROOT) + ")")
                    && refused.contains("Nothing was queued. Address it to Patient/<id>"));
            String queued = as(Purpose.TREATMENT, () -> notifier("send|test|" + key + "|ward-7|" + body));
            assertTrue("the refused one was not stored under its key: " + queued, !queued.startsWith("ValidationException"));
            Await.until("delivered", 20_000, () -> entry(queued).state().equals("DELIVERED"));
        }
        java.util.List<String> lines = notifier("delivered").lines().toList();
        assertEquals("treatment sends to a ward as it is", "ward-7 " + body + " default", lines.get(lines.size() - 1));
    }

    /**
     * A recipient {@code Patient/<id>} must be a patient of the sender's tenant, whatever the purpose; an appointment's
     * reason is withheld where a read for the purpose drops it (payment, operations); a withheld value is found in
     * other case and spacing too.
     */
    @Test
    public void aRecipientOutsideTheTenantIsRefusedAndAppointmentReasonsAndVariantSpellingsAreMinimised()
            throws Exception {
        for (String nobody : java.util.List.of("Patient/nobody-" + UUID.randomUUID().toString().substring(0, 8),
                "Patient/" + otherTenantsPatient())) {
            String refused = as(Purpose.TREATMENT, () -> notifier("send|test|x/" + UUID.randomUUID() + "|" + nobody
                    + "|your results are ready"));
            assertTrue(refused, refused.startsWith("ValidationException") && refused.contains("'" + nobody
                    + "' is not a patient of tenant default") && refused.contains("Nothing was queued"));
        }

        // a patient reference written another way is no way around the tenant check
        String other = otherTenantsPatient();
        for (String variant : java.util.List.of("patient/" + other, " Patient/" + other, "Patient/ " + other)) {
            String refused = as(Purpose.TREATMENT, () -> notifier("send|test|x/" + UUID.randomUUID() + "|" + variant
                    + "|your results are ready"));
            assertTrue(refused, refused.startsWith("ValidationException") && refused.contains("reads as a patient "
                    + "reference but is not one as written") && refused.contains("Nothing was queued"));
        }

        Patient stored = as(Purpose.TREATMENT, () -> patients.create(Patient.builder()
                .names(java.util.List.of(HumanName.official("Varga", "Ilona")))
                .telecom(java.util.List.of(new ContactPoint("phone", "+1 555 0199", "mobile"),
                        new ContactPoint("email", "ilona@example.org", null)))
                .build()));
        Instant start = clock.instant().plus(Duration.ofDays(2));
        as(Purpose.TREATMENT, () -> appointments.schedule(org.carehost.sdk.appointment.Appointment.builder()
                .addParticipant(org.carehost.sdk.appointment.Participant.patient(stored.id())).start(start)
                .end(start.plus(Duration.ofMinutes(30))).reason("chemotherapy review").build()));
        String body = "Your Chemotherapy  Review is on Monday; call +1  555\t0199 or ILONA@EXAMPLE.ORG";
        assertEquals("treatment sees everything", "Patient/" + stored.id() + " " + body + " default",
                delivered(Purpose.TREATMENT, stored.id(), body));
        assertEquals("payment: no appointment reason", "Patient/" + stored.id() + " Your [withheld] is on Monday; call "
                + "+1  555\t0199 or ILONA@EXAMPLE.ORG default", delivered(Purpose.PAYMENT, stored.id(), body));
        assertEquals("operations: no appointment reason, no contact details in any case or spacing", "Patient/"
                + stored.id() + " Your [withheld] is on Monday; call [withheld] or [withheld] default",
                delivered(Purpose.OPERATIONS, stored.id(), body));
    }

    /** A patient of another tenant than the default one. */
    private String otherTenantsPatient() {
        String other = tenants.create("other-" + UUID.randomUUID().toString().substring(0, 8), "Other hospital", "test")
                .id();
        try (ContextBinder.Binding binding = binder.bind(binder.declare(other, "dr.lee", java.util.Set.of("physician"),
                Purpose.TREATMENT, null))) {
            return patients.create(Patient.builder().names(java.util.List.of(HumanName.official("Elsewhere", "Ann")))
                    .build()).id();
        }
    }

    private <T> T as(Purpose purpose, java.util.concurrent.Callable<T> work) throws Exception {
        try (ContextBinder.Binding binding = binder.bind(binder.declare(CareContext.DEFAULT_TENANT, "dr.lee",
                java.util.Set.of("physician"), purpose, null))) {
            return work.call();
        }
    }

    /** Sends {@code body} to the patient for {@code purpose} and returns the notifier's line for it once delivered. */
    private String delivered(Purpose purpose, String patientId, String body) throws Exception {
        String id = as(purpose, () -> notifier("send|test|min/" + UUID.randomUUID() + "|Patient/" + patientId + "|" + body));
        Await.until("delivered", 20_000, () -> entry(id).state().equals("DELIVERED"));
        java.util.List<String> lines = notifier("delivered").lines().toList();
        return lines.get(lines.size() - 1);
    }
}
