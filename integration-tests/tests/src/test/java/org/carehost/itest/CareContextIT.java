package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.context.BreakGlass;
import org.carehost.context.ConsentDirective;
import org.carehost.context.Consents;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditEntry;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.CareContexts;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.event.SecurityEvents;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.security.PermissionDeniedException;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The care context (issue 6, items 1-5) through the real host services: every call here is made by this test's
 * bundle in a context the test binds as the container would, against H2. Each test names what it proves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CareContextIT {

    private static final String MRN_SYSTEM = "urn:oid:1.2.3.4";

    @Inject
    BundleContext context;
    @Inject
    ContextBinder binder;
    @Inject
    Tenants tenants;
    @Inject
    Consents consents;
    @Inject
    BreakGlass breakGlass;
    @Inject
    CareContexts careContexts;
    @Inject
    PatientService patients;
    @Inject
    AppointmentService appointments;
    @Inject
    AuditLog audit;
    @Inject
    org.carehost.sdk.audit.AuditService auditService;
    @Inject
    ConfigurationAdmin configurations;
    @Inject
    org.osgi.service.event.EventAdmin events;
    @Inject
    org.carehost.plugins.PluginManager plugins;
    @Inject
    org.apache.felix.service.command.CommandProcessor commands;

    private String self;
    private String a;
    private String b;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("care")};
    }

    /** Two fresh hospitals per test, with this test's bundle (the caller) enabled in both. */
    @Before
    public void twoHospitals() {
        self = context.getBundle().getSymbolicName();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        a = tenants.create("a-" + suffix, "Hospital A", "test").id();
        b = tenants.create("b-" + suffix, "Hospital B", "test").id();
        tenants.enable(self, a, "test");
        tenants.enable(self, b, "test");
    }

    private <T> T in(String tenant, Purpose purpose, Callable<T> work) throws Exception {
        return as(binder.declare(tenant, "dr.lee", Set.of("physician"), purpose, null), work);
    }

    private <T> T as(CareContext care, Callable<T> work) throws Exception {
        try (ContextBinder.Binding binding = binder.bind(care)) {
            return work.call();
        }
    }

    private static Patient person(String family, String mrn) {
        return Patient.builder().addIdentifier(Identifier.mrn(MRN_SYSTEM, mrn)).addName(HumanName.official(family, "Robin"))
                .birthDate(LocalDate.of(1970, 5, 4)).addTelecom(new ContactPoint("phone", "+1-202-555-0199", "home"))
                .addAddress(new Address(List.of("1 Example Road"), "Springfield", "XX", "00000", "US")).build();
    }

    private static Appointment visit(String patientId, String reason) {
        Instant start = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        return Appointment.builder().addParticipant(Participant.patient(patientId)).start(start)
                .end(start.plus(30, ChronoUnit.MINUTES)).reason(reason).build();
    }

    private AuditRecord lastRecord(String operation) {
        return audit.query(AuditQuery.latest(200)).items().stream().filter(r -> r.operation().equals(operation))
                .findFirst().orElseThrow(() -> new AssertionError("no audit record of " + operation));
    }

    /**
     * A plugin's own audit entries carry the care context it was called in (the tenant it cannot choose), and its
     * queries read only the records made in the tenant it acts for: none of another hospital's, none made outside any
     * tenant (container and operators' records). Operators still read everything, and the chain still verifies.
     */
    @Test
    public void aPluginsAuditEntriesAndQueriesStayInTheHospitalItActsFor() throws Exception {
        String patientInB = "P-" + UUID.randomUUID();
        AuditRecord written = in(b, Purpose.TREATMENT, () -> auditService.record(new AuditEntry(AuditAction.EXECUTE,
                "report.sent", "Patient", patientInB, patientInB, AuditOutcome.SUCCESS, "sent for hospital B")));
        assertEquals("stamped with the tenant of the call's context", b, written.tenant());
        assertEquals("dr.lee", written.user());
        assertEquals(self, written.plugin());

        List<AuditRecord> seenFromA = in(a, Purpose.OPERATIONS,
                () -> auditService.query(AuditQuery.latest(1000)).items());
        assertFalse("B's entry is not A's", seenFromA.stream().anyMatch(r -> patientInB.equals(r.patientId())));
        assertTrue("A sees A's records only, none outside any tenant: " + seenFromA.stream()
                .filter(r -> !a.equals(r.tenant())).map(AuditRecord::operation).distinct().toList(),
                seenFromA.stream().allMatch(r -> a.equals(r.tenant())));
        assertEquals(0, in(a, Purpose.OPERATIONS, () -> auditService.query(new AuditQuery(patientInB, null, null, null,
                null, null, 0, 50))).total());
        List<AuditRecord> seenFromB = in(b, Purpose.OPERATIONS,
                () -> auditService.query(AuditQuery.latest(1000)).items());
        assertTrue(seenFromB.stream().anyMatch(r -> r.sequence() == written.sequence()));
        assertTrue(seenFromB.stream().allMatch(r -> b.equals(r.tenant())));

        List<AuditRecord> all = audit.query(AuditQuery.latest(1000)).items();
        assertTrue("the operators' view is unchanged", all.stream().anyMatch(r -> r.sequence() == written.sequence())
                && all.stream().anyMatch(r -> r.tenant() == null));
        assertTrue(audit.verify().intact());
    }

    /** Proves isolation: hospital B's context reaches none of A's data through any service method. */
    @Test
    public void aCallForOneHospitalNeverReachesAnothersData() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        Patient inA = in(a, Purpose.TREATMENT, () -> patients.create(person("Isolda", mrn)));
        Appointment visitA = in(a, Purpose.TREATMENT, () -> appointments.schedule(visit(inA.id(), "checkup")));
        Patient inB = in(b, Purpose.TREATMENT, () -> patients.create(person("Isolda", mrn)));

        in(b, Purpose.TREATMENT, () -> {
            assertThrows(ResourceNotFoundException.class, () -> patients.get(inA.id()));
            assertThrows(ResourceNotFoundException.class, () -> patients.update(inA.id(), inA));
            List<Patient> byName = patients.search(PatientQuery.builder().name("isol").build()).items();
            assertEquals(List.of(inB.id()), byName.stream().map(Patient::id).toList());
            List<Patient> byMrn = patients.search(PatientQuery.builder().identifier(MRN_SYSTEM + "|" + mrn).build()).items();
            assertEquals(List.of(inB.id()), byMrn.stream().map(Patient::id).toList());
            assertThrows(ResourceNotFoundException.class, () -> appointments.get(visitA.id()));
            assertThrows(ResourceNotFoundException.class, () -> appointments.cancel(visitA.id(), "no"));
            assertThrows(ResourceNotFoundException.class,
                    () -> appointments.reschedule(visitA.id(), Instant.now().plus(3, ChronoUnit.DAYS)));
            assertEquals(0, appointments.search(AppointmentQuery.forPatient(inA.id())).total());
            assertThrows(ValidationException.class, () -> appointments.schedule(visit(inA.id(), "sneaky")));
            return null;
        });
        // The trail, read through AuditService in B's context, holds none of A's records.
        List<AuditRecord> seenFromB = in(b, Purpose.OPERATIONS, () -> auditService.query(AuditQuery.latest(1000)).items());
        assertTrue(seenFromB.stream().anyMatch(r -> b.equals(r.tenant())));
        assertFalse(seenFromB.stream().anyMatch(r -> a.equals(r.tenant())));
        assertTrue(in(a, Purpose.OPERATIONS, () -> auditService.query(AuditQuery.latest(1000)).items()).stream()
                .anyMatch(r -> a.equals(r.tenant())));
        // A still sees its own, unchanged.
        assertEquals("checkup", in(a, Purpose.TREATMENT, () -> appointments.get(visitA.id())).reason());
        assertEquals(1, in(a, Purpose.TREATMENT, () -> patients.get(inA.id())).versionId());

        // Cross-tenant lookup by MRN: for treatment only, finds both, audited as such.
        List<Patient> everywhere = in(b, Purpose.TREATMENT, () -> patients.lookupAcrossTenants(MRN_SYSTEM, mrn));
        assertEquals(Set.of(inA.id(), inB.id()), Set.copyOf(everywhere.stream().map(Patient::id).toList()));
        consents.add(b, inB.id(), ConsentDirective.Kind.PLUGIN, self, "test");
        assertEquals("an opt-out of the plugin holds across tenants too", List.of(inA.id()), in(a, Purpose.TREATMENT,
                () -> patients.lookupAcrossTenants(MRN_SYSTEM, mrn)).stream().map(Patient::id).toList());
        AuditRecord lookup = lastRecord("PatientService.lookupAcrossTenants");
        assertTrue(lookup.query(), lookup.query().startsWith("cross-tenant identifier=" + MRN_SYSTEM + "|"));
        assertFalse("the MRN is not in the trail in the clear", lookup.query().contains(mrn));
        PermissionDeniedException research = assertThrows(PermissionDeniedException.class,
                () -> in(b, Purpose.RESEARCH, () -> patients.lookupAcrossTenants(MRN_SYSTEM, mrn)));
        assertTrue(research.getMessage(), research.getMessage().contains("for treatment only"));
    }

    /** Proves that a plugin acts only for tenants it is enabled in, and the context is in every record. */
    @Test
    public void aPluginNotEnabledForATenantIsRefusedAndEveryRecordCarriesTheContext() throws Exception {
        org.osgi.framework.Bundle writer = Fixtures.installAsPlugin(context,
                ContainerOptions.bundleFile("carehost-fixture-evil-undeclared-write"));
        writer.start();
        Await.until("the plugin's probe", 20_000, () -> Fixtures.hasProbe(context, "write-patients"));
        String c = tenants.create("c-" + UUID.randomUUID().toString().substring(0, 8), "Hospital C", "test").id();
        CareContext inC = binder.declare(c, "dr.lee", Set.of("physician"), Purpose.TREATMENT, null);
        String refused = as(inC, () -> Fixtures.callProbe(context, "write-patients"));
        assertEquals("refused by the tenant rule", "denied tenant", refused);
        AuditRecord denied = lastRecord("PatientService.create");
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertTrue(denied.reason(), denied.reason().contains("not enabled for tenant " + c));
        assertEquals(writer.getSymbolicName(), denied.plugin());
        assertEquals(c, denied.tenant());
        assertEquals(inC.correlationId(), denied.correlationId());

        tenants.enable(writer.getSymbolicName(), c, "test");
        String wrote = as(inC, () -> Fixtures.callProbe(context, "write-patients"));
        assertTrue(wrote, wrote.startsWith("created "));
        String id = wrote.substring("created ".length());
        assertEquals("the plugin wrote into hospital C", id, in(c, Purpose.TREATMENT, () -> patients.get(id)).id());
        assertThrows(ResourceNotFoundException.class, () -> in(a, Purpose.TREATMENT, () -> patients.get(id)));
        tenants.disable(writer.getSymbolicName(), c, "test");
        assertEquals("denied tenant", as(inC, () -> Fixtures.callProbe(context, "write-patients")));
        writer.uninstall();

        CareContext care = binder.declare(a, "dr.lee", Set.of("physician", "surgeon"), Purpose.PAYMENT, null);
        as(care, () -> patients.create(person("Contextual", "MRN-" + UUID.randomUUID())));
        AuditRecord created = lastRecord("PatientService.create");
        assertEquals(a, created.tenant());
        assertEquals("dr.lee", created.user());
        assertEquals("physician,surgeon", created.roles());
        assertEquals("HPAYMT", created.purposeOfUse());
        assertEquals(care.correlationId(), created.correlationId());
        assertNull(created.breakGlass());
        assertTrue(audit.verify().intact());

        // What a plugin sees of the context: the bound one, carried to its own threads.
        assertEquals(care, as(care, () -> careContexts.current().orElseThrow()));
        Callable<CareContext> carried = as(care, () -> careContexts.carry(() -> careContexts.current().orElse(null)));
        assertEquals(care, carried.call());
        assertTrue(careContexts.current().isEmpty());

    }

    /** Proves minimum necessary per purpose, applied in the service. */
    @Test
    public void eachPurposeSeesOnlyWhatItNeeds() throws Exception {
        Patient full = in(a, Purpose.TREATMENT, () -> patients.create(person("Minimal", "MRN-" + UUID.randomUUID())));
        Appointment visit = in(a, Purpose.TREATMENT, () -> appointments.schedule(visit(full.id(), "suspected pertussis")));

        Patient treatment = in(a, Purpose.TREATMENT, () -> patients.get(full.id()));
        assertEquals(full.telecom(), treatment.telecom());
        assertEquals("suspected pertussis", in(a, Purpose.TREATMENT, () -> appointments.get(visit.id())).reason());

        assertEquals(full.names(), in(a, Purpose.PAYMENT, () -> patients.get(full.id())).names());
        assertNull("payment: no clinical notes", in(a, Purpose.PAYMENT, () -> appointments.get(visit.id())).reason());

        Patient operations = in(a, Purpose.OPERATIONS, () -> patients.get(full.id()));
        assertTrue(operations.telecom().isEmpty());
        assertTrue(operations.addresses().isEmpty());
        assertEquals(full.names(), operations.names());
        assertNull(in(a, Purpose.OPERATIONS, () -> appointments.get(visit.id())).reason());
        // Writing back what operations read keeps what it could not see.
        in(a, Purpose.OPERATIONS, () -> patients.update(full.id(), operations.toBuilder().gender(null).build()));
        assertEquals(full.telecom(), in(a, Purpose.TREATMENT, () -> patients.get(full.id())).telecom());

        Patient research = in(a, Purpose.RESEARCH, () -> patients.get(full.id()));
        assertTrue(research.names().isEmpty());
        assertTrue(research.telecom().isEmpty());
        assertTrue(research.addresses().isEmpty());
        assertEquals(1, research.identifiers().size());
        assertNotEquals(full.id(), research.id());
        assertTrue(research.id(), research.id().startsWith("ps-"));
        assertEquals(research.id(), research.identifiers().get(0).value());
        assertEquals(full.birthDate(), research.birthDate());
        assertEquals("stable pseudonym", research.id(), in(a, Purpose.RESEARCH, () -> patients.get(full.id())).id());
        Appointment researchVisit = in(a, Purpose.RESEARCH, () -> appointments.get(visit.id()));
        assertEquals(research.id(), researchVisit.patientId().orElseThrow());
        List<Patient> found = in(a, Purpose.RESEARCH,
                () -> patients.search(PatientQuery.builder().birthDate(full.birthDate()).build())).items();
        assertEquals(List.of(research.id()), found.stream().map(Patient::id).toList());
        PermissionDeniedException byName = assertThrows(PermissionDeniedException.class,
                () -> in(a, Purpose.RESEARCH, () -> patients.search(PatientQuery.builder().name("minim").build())));
        assertTrue(byName.getMessage(), byName.getMessage().contains("may not search by name or identifier"));
        assertThrows(PermissionDeniedException.class, () -> in(a, Purpose.RESEARCH, () -> patients.update(full.id(), full)));
        AuditRecord read = audit.query(new AuditQuery(full.id(), null, null, null, null, null, 0, 50)).items().stream()
                .filter(r -> "HRESCH".equals(r.purposeOfUse())).findFirst().orElseThrow();
        assertEquals("the trail names the real patient", full.id(), read.patientId());
    }

    /** Proves consent: a research opt-out and an opt-out of this plugin refuse access, audited with the reason. */
    @Test
    public void aPatientsConsentDirectivesAreHonouredByEveryMethod() throws Exception {
        Patient optedOut = in(a, Purpose.TREATMENT, () -> patients.create(person("Refuser", "MRN-" + UUID.randomUUID())));
        Patient other = in(a, Purpose.TREATMENT, () -> patients.create(person("Refuser", "MRN-" + UUID.randomUUID())));
        Appointment visit = in(a, Purpose.TREATMENT, () -> appointments.schedule(visit(optedOut.id(), "x")));
        consents.add(a, optedOut.id(), ConsentDirective.Kind.RESEARCH, null, "test");

        PermissionDeniedException refused = assertThrows(PermissionDeniedException.class,
                () -> in(a, Purpose.RESEARCH, () -> patients.get(optedOut.id())));
        assertTrue(refused.getMessage(), refused.getMessage().contains("opts out of research use"));
        AuditRecord denied = lastRecord("PatientService.get");
        assertEquals(AuditOutcome.DENIED, denied.outcome());
        assertTrue(denied.reason(), denied.reason().contains("opts out of research use"));
        assertThrows(PermissionDeniedException.class, () -> in(a, Purpose.RESEARCH, () -> appointments.get(visit.id())));
        List<Patient> researchSearch = in(a, Purpose.RESEARCH,
                () -> patients.search(PatientQuery.builder().birthDate(optedOut.birthDate()).build())).items();
        assertEquals("only the other patient", 1, researchSearch.size());
        assertThrows(PermissionDeniedException.class,
                () -> in(a, Purpose.RESEARCH, () -> appointments.search(AppointmentQuery.forPatient(optedOut.id()))));
        assertEquals(optedOut.id(), in(a, Purpose.TREATMENT, () -> patients.get(optedOut.id())).id());

        consents.add(a, other.id(), ConsentDirective.Kind.PLUGIN, self, "test");
        PermissionDeniedException plugin = assertThrows(PermissionDeniedException.class,
                () -> in(a, Purpose.TREATMENT, () -> patients.get(other.id())));
        assertTrue(plugin.getMessage(), plugin.getMessage().contains("opts out of plugin " + self));
        assertThrows(PermissionDeniedException.class, () -> in(a, Purpose.TREATMENT, () -> patients.update(other.id(), other)));
        assertEquals(List.of(optedOut.id()), in(a, Purpose.TREATMENT,
                () -> patients.search(PatientQuery.builder().name("refuser").build())).items().stream().map(Patient::id).toList());

        assertTrue(consents.remove(a, other.id(), ConsentDirective.Kind.PLUGIN, self));
        assertEquals(other.id(), in(a, Purpose.TREATMENT, () -> patients.get(other.id())).id());
    }

    /**
     * Proves break-glass: needs a reason and a user, lifts a plugin opt-out, is marked, announced once, listed, and
     * expires when the container's clock passes its duration (a test clock moves it: no waiting).
     */
    @Test
    public void breakGlassIsMarkedAnnouncedListedAndExpires() throws Exception {
        List<Event> announced = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, SecurityEvents.BREAK_GLASS);
        context.registerService(EventHandler.class, announced::add, topics);
        setBreakGlassSeconds(600);
        try (TestClock clock = TestClock.register(context)) {
            Patient patient = in(a, Purpose.TREATMENT,
                    () -> patients.create(person("Emergent", "MRN-" + UUID.randomUUID())));
            consents.add(a, patient.id(), ConsentDirective.Kind.PLUGIN, self, "test");
            assertThrows(PermissionDeniedException.class,
                    () -> in(a, Purpose.TREATMENT, () -> patients.get(patient.id())));

            assertThrows(IllegalArgumentException.class,
                    () -> binder.declare(a, "dr.lee", Set.of(), Purpose.EMERGENCY, null));
            CareContext anonymous = binder.declare(a, null, Set.of(), Purpose.EMERGENCY, "cardiac arrest");
            assertThrows(PermissionDeniedException.class, () -> as(anonymous, () -> patients.get(patient.id())));
            assertThrows(PermissionDeniedException.class,
                    () -> as(anonymous, () -> patients.search(PatientQuery.builder().build())));

            CareContext emergency = binder.declare(a, "dr.lee", Set.of("physician"), Purpose.EMERGENCY,
                    "cardiac arrest in ED");
            assertEquals("declared by the container's clock", clock.instant(), emergency.declared());
            Patient seen = as(emergency, () -> patients.get(patient.id()));
            assertEquals("full record", patient.telecom(), seen.telecom());
            as(emergency, () -> patients.get(patient.id()));
            AuditRecord marked = lastRecord("PatientService.get");
            assertEquals(AuditOutcome.SUCCESS, marked.outcome());
            assertEquals("cardiac arrest in ED", marked.breakGlass());
            assertEquals("ETREAT", marked.purposeOfUse());
            // Event Admin delivers a thread's posts in order: once a marker posted after both accesses has arrived,
            // every announcement of them has too.
            String marker = UUID.randomUUID().toString();
            events.postEvent(new Event(SecurityEvents.BREAK_GLASS, java.util.Map.of("marker", marker)));
            Await.until("the marker after the accesses is delivered", 10_000,
                    () -> announced.stream().anyMatch(e -> marker.equals(e.getProperty("marker"))));
            List<Event> grants = announced.stream().filter(e -> e.getProperty("marker") == null).toList();
            assertEquals("one grant, announced once", 1, grants.size());
            assertEquals(patient.id(), grants.get(0).getProperty("patientId"));
            assertTrue(breakGlass.since(clock.instant().minusSeconds(60)).stream()
                    .anyMatch(g -> g.patientId().equals(patient.id())
                            && g.correlationId().equals(emergency.correlationId())));

            java.time.Duration lasts = breakGlass.duration();
            assertEquals("as configured", 600, lasts.getSeconds());
            clock.advance(lasts.minusSeconds(1));
            assertEquals("a second before the end", patient.id(), as(emergency, () -> patients.get(patient.id())).id());
            clock.advance(java.time.Duration.ofSeconds(1));
            PermissionDeniedException expired = assertThrows(PermissionDeniedException.class,
                    () -> as(emergency, () -> patients.get(patient.id())));
            assertTrue(expired.getMessage(),
                    expired.getMessage().contains("ended at " + emergency.declared().plus(lasts)));
            assertThrows("a search too", PermissionDeniedException.class,
                    () -> as(emergency, () -> patients.search(PatientQuery.builder().build())));
            assertEquals(AuditOutcome.DENIED, lastRecord("PatientService.get").outcome());

            CareContext again = binder.declare(a, "dr.lee", Set.of("physician"), Purpose.EMERGENCY, "second arrest");
            assertEquals(patient.id(), as(again, () -> patients.get(patient.id())).id());
        } finally {
            setBreakGlassSeconds(3600);
        }
    }

    /** Proves per-tenant plugin settings: checked against the plugin's Metatype schema, an invalid value changes nothing. */
    @Test
    public void aPluginsSettingsForOneTenantApplyToThatTenantsCallsOfItsOneComponent() throws Exception {
        String plugin = plugins.install(ContainerOptions.bundleFile("carehost-sample-appointment-reminder").getPath())
                .symbolicName();
        try {
            settingsPerTenant(plugin);
        } finally {
            Fixtures.installed(context, plugin).orElseThrow().uninstall();
        }
    }

    /**
     * Settings an earlier Carehost stored for a tenant as {@code <pid>~<tenant>} (Declarative Services made one
     * component of it, for that tenant only) are moved where they configure no component as the plugin resolves, and
     * stay that tenant's.
     */
    @Test
    public void perTenantSettingsOfAnEarlierVersionAreMovedAsThePluginResolves() throws Exception {
        org.osgi.framework.Bundle bundle = context.installBundle(ContainerOptions.bundleFile(
                "carehost-sample-appointment-reminder").toURI().toString());
        String plugin = bundle.getSymbolicName();
        String pid = "org.carehost.sample.appointmentreminder.AppointmentReminder";
        try {
            tenants.enable(plugin, a, "test");
            configurations.getFactoryConfiguration(pid, a, bundle.getLocation()).update(new java.util.Hashtable<>(
                    java.util.Map.of("leadTimeMinutes", 90, "carehost.tenant", a)));
            bundle.start();
            awaitOneComponent(plugin);
            assertEquals("moved, not copied", null, configurations.listConfigurations("(service.pid=" + pid + "~" + a
                    + ")"));
            assertEquals(90, tenantSettings(a).get("leadTimeMinutes"));
            String shown = shell("plugin:config " + plugin + " --tenant " + a);
            assertTrue(shown, shown.matches("(?s).*leadTimeMinutes\\s+90\\s+tenant " + a + ".*"));
        } finally {
            bundle.uninstall();
        }
    }

    /**
     * A plugin uninstalled and installed again from another file (foo-1.0.jar deleted, foo-1.1.jar dropped in) keeps
     * its tenants' settings: they were bound to the old file's location, and the plugin read none of them and an
     * operator's change went into the old binding (read-only review, stop 50). Its PID is its own by its symbolic name,
     * so settings bound to a location no bundle has any more are its own.
     */
    @Test
    public void aPluginInstalledAgainFromAnotherFileKeepsItsTenantsSettings() throws Exception {
        java.nio.file.Path jar = ContainerOptions.bundleFile("carehost-sample-appointment-reminder").toPath();
        java.nio.file.Path copy = java.nio.file.Files.createTempDirectory("reinstall").resolve("reminder-1.1.jar");
        java.nio.file.Files.copy(jar, copy);
        org.osgi.framework.Bundle first = context.installBundle(jar.toUri().toString());
        String plugin = first.getSymbolicName();
        tenants.enable(plugin, a, "test");
        first.start();
        String updated = shell("plugin:config " + plugin + " --tenant " + a + " leadTimeMinutes=75");
        assertTrue(updated, updated.startsWith("Updated " + plugin + " for tenant " + a));
        first.uninstall();
        org.osgi.framework.Bundle again = context.installBundle(copy.toUri().toString());
        try {
            again.start();
            String shown = shell("plugin:config " + plugin + " --tenant " + a);
            assertTrue(shown, shown.matches("(?s).*leadTimeMinutes\\s+75\\s+tenant " + a + ".*"));
            String changed = shell("plugin:config " + plugin + " --tenant " + a + " leadTimeMinutes=80");
            assertTrue(changed, changed.startsWith("Updated " + plugin + " for tenant " + a));
            org.osgi.service.cm.Configuration[] stored = configurations.listConfigurations("(&(carehost.tenant=" + a
                    + ")(service.factoryPid=org.carehost.tenant-settings.org.carehost.sample.appointmentreminder.*))");
            assertEquals(1, stored.length);
            assertEquals(80, stored[0].getProperties().get("leadTimeMinutes"));
            assertEquals("bound to the plugin's new file", again.getLocation(), stored[0].getBundleLocation());
        } finally {
            again.uninstall();
        }
    }

    /**
     * A plugin that does not read per-tenant settings (it does not import org.carehost.sdk.settings) is refused one:
     * the value was accepted, shown as in force and never read (read-only review, stop 50).
     */
    @Test
    public void aTenantsValueForAPluginThatReadsNoneIsRefused() throws Exception {
        String plugin = plugins.install(ContainerOptions.bundleFile("carehost-fixture-markup-names").getPath())
                .symbolicName();
        try {
            tenants.enable(plugin, a, "test");
            String refused = shell("plugin:config " + plugin + " --tenant " + a + " greeting=hello");
            assertTrue(refused, refused.contains("does not read per-tenant settings")
                    && refused.contains("etc/org.carehost.fixture.markupnames.cfg"));
            assertEquals("nothing stored", null, configurations.listConfigurations(
                    "(service.factoryPid=org.carehost.tenant-settings.org.carehost.fixture.markupnames)"));
        } finally {
            Fixtures.installed(context, plugin).orElseThrow().uninstall();
        }
    }

    private void settingsPerTenant(String plugin) throws Exception {
        String notEnabled = shell("plugin:config " + plugin + " --tenant " + a + " leadTimeMinutes=60");
        assertTrue(notEnabled, notEnabled.contains("not enabled for tenant " + a));
        tenants.enable(plugin, a, "test");
        tenants.enable(plugin, b, "test");

        String updated = shell("plugin:config " + plugin + " --tenant " + a + " leadTimeMinutes=60 channel=sms");
        assertTrue(updated, updated.startsWith("Updated " + plugin + " for tenant " + a));
        assertEquals(60, tenantSettings(a).get("leadTimeMinutes"));
        assertEquals("sms", tenantSettings(a).get("channel"));

        // Declarative Services keeps the plugin's one component (a factory configuration of its own PID made one per
        // configured tenant, none for the others, and each handled every tenant's events), and each tenant's
        // appointment gets one reminder, planned with that tenant's lead time: A's 60 minutes, B's default day.
        awaitOneComponent(plugin);
        String mrn = "MRN-" + UUID.randomUUID();
        Appointment inA = in(a, Purpose.TREATMENT, () -> appointments.schedule(visit(patients.create(person("Ames", mrn))
                .id(), "checkup")));
        Appointment inB = in(b, Purpose.TREATMENT, () -> appointments.schedule(visit(patients.create(person("Bell", mrn))
                .id(), "checkup")));
        java.util.Map<String, Instant> due = awaitReminders(plugin, 2);
        assertEquals(due.toString(), inA.start().minus(60, ChronoUnit.MINUTES), due.get(a));
        assertEquals(due.toString(), inB.start().minus(1, ChronoUnit.DAYS), due.get(b));

        for (String bad : List.of("leadTimeMinutes=0", "leadTimeMinutes=soon", "colour=blue")) {
            String refused = shell("plugin:config " + plugin + " --tenant " + a + " " + bad);
            assertTrue(bad + ": " + refused, refused.contains("Refused; the settings in force stay"));
        }
        String mixed = shell("plugin:config " + plugin + " --tenant " + a + " channel=email leadTimeMinutes=99999");
        assertTrue(mixed, mixed.contains("Refused"));
        assertEquals(60, tenantSettings(a).get("leadTimeMinutes"));
        assertEquals("one bad value refuses them all", "sms", tenantSettings(a).get("channel"));
        assertTrue("the other tenant has none", configurations.listConfigurations("(carehost.tenant=" + b + ")") == null);
        assertTrue(shell("plugin:config " + plugin).contains("Usage: plugin:config"));

        // Its settings for every tenant (etc/<pid>.cfg, as the deploy watcher gives it) are shown where a tenant has
        // none of its own, the tenant's own over them (tryout 16 #14: the file's values were shown nowhere).
        String pid = "org.carehost.sample.appointmentreminder.AppointmentReminder";
        org.osgi.service.cm.Configuration everyTenant = configurations.getConfiguration(pid, null);
        everyTenant.update(new java.util.Hashtable<>(java.util.Map.of("leadTimeMinutes", "30")));
        try {
            String shownB = shell("plugin:config " + plugin + " --tenant " + b);
            assertTrue(shownB, shownB.matches("(?s).*leadTimeMinutes\\s+30\\s+etc/" + java.util.regex.Pattern.quote(pid)
                    + "\\.cfg.*") && shownB.matches("(?s).*channel\\s+log\\s+default.*"));
            String shownA = shell("plugin:config " + plugin + " --tenant " + a);
            assertTrue(shownA, shownA.matches("(?s).*leadTimeMinutes\\s+60\\s+tenant " + a + ".*"));
            String set = shell("plugin:config " + plugin + " --tenant " + b + " leadTimeMinutes=45");
            assertTrue(set, set.startsWith("Updated " + plugin + " for tenant " + b));
            assertEquals(45, tenantSettings(b).get("leadTimeMinutes"));
        } finally {
            everyTenant.delete();
        }
    }

    /** Waits until the plugin's AppointmentReminder component is satisfied, in one configuration (every tenant's). */
    private void awaitOneComponent(String plugin) throws Exception {
        org.osgi.service.component.runtime.ServiceComponentRuntime scr = context.getService(context.getServiceReference(
                org.osgi.service.component.runtime.ServiceComponentRuntime.class));
        org.osgi.framework.Bundle bundle = Fixtures.installed(context, plugin).orElseThrow();
        long deadline = System.currentTimeMillis() + 30_000;
        List<Object> seen = new java.util.ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            seen.clear();
            for (var description : scr.getComponentDescriptionDTOs(bundle)) {
                if (description.name.endsWith(".AppointmentReminder")) {
                    for (var configuration : scr.getComponentConfigurationDTOs(description)) {
                        // satisfied (a delayed component, built at its first use) or active
                        boolean satisfied = configuration.state == org.osgi.service.component.runtime.dto
                                .ComponentConfigurationDTO.SATISFIED || configuration.state == org.osgi.service.component
                                .runtime.dto.ComponentConfigurationDTO.ACTIVE;
                        seen.add((satisfied ? "satisfied" : "state " + configuration.state) + " "
                                + configuration.properties.get("carehost.tenant"));
                    }
                }
            }
            if (seen.equals(List.of("satisfied null"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not one active AppointmentReminder for every tenant (state, tenant): " + seen);
    }

    /** Waits until the plugin has {@code count} jobs in all; returns their due times by tenant (one each). */
    private java.util.Map<String, Instant> awaitReminders(String plugin, int count) throws Exception {
        org.carehost.scheduler.SchedulerAdmin scheduler = context.getService(context.getServiceReference(
                org.carehost.scheduler.SchedulerAdmin.class));
        long deadline = System.currentTimeMillis() + 30_000;
        List<org.carehost.scheduler.Job> jobs = List.of();
        while (System.currentTimeMillis() < deadline) {
            jobs = scheduler.jobs(true).stream().filter(job -> job.plugin().equals(plugin)).toList();
            if (jobs.size() >= count) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals("one reminder per appointment: " + jobs, count, jobs.size());
        java.util.Map<String, Instant> due = new java.util.HashMap<>();
        for (org.carehost.scheduler.Job job : jobs) {
            assertEquals("one reminder per tenant: " + jobs, null, due.put(job.tenant(), job.due()));
        }
        return due;
    }

    private java.util.Map<String, Object> tenantSettings(String tenant) throws Exception {
        org.osgi.service.cm.Configuration[] found = configurations.listConfigurations("(carehost.tenant=" + tenant + ")");
        assertEquals(1, found.length);
        java.util.Map<String, Object> settings = new java.util.HashMap<>();
        for (String key : java.util.Collections.list(found[0].getProperties().keys())) {
            settings.put(key, found[0].getProperties().get(key));
        }
        return settings;
    }

    private String shell(String command) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, "UTF-8");
        try (org.apache.felix.service.command.CommandSession session = commands.createSession(
                new java.io.ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            return (result == null ? "" : result.toString()) + out.toString("UTF-8");
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private void setBreakGlassSeconds(int seconds) throws Exception {
        org.osgi.service.cm.Configuration configuration = configurations.getConfiguration("org.carehost.context", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("breakGlassSeconds", seconds);
        configuration.update(properties);
        Await.until("break-glass lasts " + seconds + " s", 10_000, () -> breakGlass.duration().getSeconds() == seconds);
    }
}
