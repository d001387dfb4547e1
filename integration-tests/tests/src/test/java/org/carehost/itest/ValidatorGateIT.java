package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.carehost.audit.AuditLog;
import org.carehost.clinical.ValidatorChoices;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Stored;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.security.PluginLimits;
import org.carehost.security.SecurityAdmin;
import org.carehost.security.SecurityMode;
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
 * Validators gate writes, and every call into them is bounded: a plugin's validator rejects a create through
 * {@code PatientService} (each issue naming it), its warnings come back with the stored patient and are audited, a
 * validator that throws fails closed by default and open when the policy says so, and one spinning in an endless
 * loop is cut at its deadline each time (the shell answering meanwhile) and quarantined after three overruns in a
 * row, after which patients are created again; {@code plugin:top} counts it all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ValidatorGateIT {

    private static final String VALIDATOR = "org.carehost.fixture.loopingvalidator";

    @Inject
    BundleContext context;

    @Inject
    PatientService patients;

    @Inject
    PluginManager plugins;

    @Inject
    PluginCalls calls;

    @Inject
    PluginLimits limits;

    @Inject
    SecurityAdmin security;

    @Inject
    AuditLog audit;

    @Inject
    ValidatorChoices choices;

    @Inject
    CommandProcessor shell;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path policy = new File(deploy, "../" + deploy.getName() + "-etc/security/policy").toPath();
        Files.createDirectories(policy.getParent());
        // A short deadline for the fixture, so that three overruns take seconds, not minutes.
        Files.writeString(policy, "mode development\ndeadline plugin " + VALIDATOR + " 1000\n");
        return new Option[] {ContainerOptions.hostServices(deploy,
                "jdbc:h2:mem:validators-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")};
    }

    private Bundle validator() throws Exception {
        Bundle bundle = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-looping-validator"));
        bundle.start();
        Await.until("the validator is registered", 20_000, () -> Fixtures.hasService(context,
                "(&(objectClass=org.carehost.sdk.plugin.Validator)(service.bundleid=" + bundle.getBundleId() + "))"));
        return bundle;
    }

    private static Patient patient(String family) {
        return Patient.builder().addName(HumanName.official(family + UUID.randomUUID().toString().substring(0, 6), "Val"))
                .addIdentifier(Identifier.mrn("urn:carehost:test:mrn", "V-" + UUID.randomUUID()))
                .birthDate(LocalDate.of(1975, 3, 4)).build();
    }

    private long storedWithMrn(Patient patient) {
        return patients.search(PatientQuery.builder().identifier(patient.identifiers().get(0).value()).build()).total();
    }

    private AuditRecord latest(String operation) {
        for (AuditRecord record : audit.query(AuditQuery.latest(20)).items()) {
            if (operation.equals(record.operation())) {
                return record;
            }
        }
        throw new AssertionError("no " + operation + " among the newest audit records");
    }

    private long count(String operation) {
        return audit.query(AuditQuery.latest(200)).items().stream().filter(record -> operation.equals(record.operation()))
                .count();
    }

    @Test
    public void errorsRejectTheWriteAndWarningsComeBackWithIt() throws Exception {
        Bundle plugin = validator();
        try {
            Patient bad = patient("Bad");
            try {
                patients.create(bad);
                fail("the validator's error must reject the create");
            } catch (ValidationException expected) {
                ValidationIssue issue = expected.issues().get(0);
                assertEquals("Patient.name[0].family", issue.path());
                assertTrue(issue.message(), issue.message().startsWith(VALIDATOR + ": "));
            }
            assertEquals("nothing stored", 0, storedWithMrn(bad));
            String refused = latest("PatientService.create").query();
            assertTrue(refused, refused.contains(VALIDATOR + " 1.0.0=rejected [error Patient.name[0].family]"));

            Stored<Patient> warned = patients.createWithWarnings(patient("Warn"));
            assertEquals(1, warned.warnings().size());
            assertTrue(warned.warnings().get(0).message().startsWith(VALIDATOR + ": "));
            assertEquals(1, storedWithMrn(warned.resource()));
            String audited = latest("PatientService.create").query();
            assertTrue(audited, audited.contains(VALIDATOR + " 1.0.0=warnings [warning Patient.name[0].family]"));
            assertTrue(patients.createWithWarnings(patient("Fine")).warnings().isEmpty());
        } finally {
            plugin.uninstall();
        }
    }

    /**
     * Red team 21: a validator is given every patient written, and a plugin holding no permission read them so. The
     * host gives one only to a validator whose plugin holds read:patients, asked at each write: without it the
     * validator could not check the patient (fail-closed by default), and with the grant back it is called again.
     */
    @Test
    public void aValidatorWhosePluginDoesNotHoldReadPatientsIsNotGivenThePatient() throws Exception {
        Bundle plugin = validator();
        try {
            security.revoke(VALIDATOR, java.util.List.of(org.carehost.security.Permission.READ_PATIENTS));
            Patient bad = patient("Bad");
            try {
                patients.create(bad);
                fail("a fail-closed validator that was not given the patient refuses the write");
            } catch (ValidationException refused) {
                String message = refused.issues().get(0).message();
                assertTrue(message, message.contains("does not hold read:patients")
                        && message.contains("plugin:grant " + VALIDATOR + " read:patients"));
            }
            assertEquals("nothing stored", 0, storedWithMrn(bad));
            String audited = latest("PatientService.create").query();
            assertTrue(audited, audited.contains(VALIDATOR + " 1.0.0=failed (fail-closed)"));

            security.grant(VALIDATOR, java.util.List.of(org.carehost.security.Permission.READ_PATIENTS));
            try {
                patients.create(patient("Bad"));
                fail("granted again, it is given the patient and rejects it");
            } catch (ValidationException rejected) {
                assertEquals("Patient.name[0].family", rejected.issues().get(0).path());
            }
        } finally {
            security.grant(VALIDATOR, java.util.List.of(org.carehost.security.Permission.READ_PATIENTS));
            plugin.uninstall();
        }
    }

    @Test
    public void aValidatorThatThrowsFailsClosedByDefaultAndOpenWhenThePolicyOrTheTenantSaysSo() throws Exception {
        Bundle plugin = validator();
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.readString(policy);
        try {
            Patient throwing = patient("Throw");
            java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
            org.osgi.framework.ServiceReference<org.osgi.service.log.LogReaderService> reader =
                    context.getServiceReference(org.osgi.service.log.LogReaderService.class);
            org.osgi.service.log.LogListener listener = entry -> logged.add(entry.getMessage());
            context.getService(reader).addLogListener(listener);
            try {
                try {
                    patients.create(throwing);
                    fail("a required validator that throws fails closed");
                } catch (ValidationException expected) {
                    assertTrue(expected.getMessage(), expected.getMessage().contains("fails closed"));
                }
                // the operator learns it from the log too, in one line (it was only in the writer's answer)
                Await.until("the failed validator logged", 10_000, () -> logged.stream().anyMatch(line -> line.equals(
                        "Validator of plugin " + VALIDATOR + " could not check a Patient in tenant default (threw): "
                        + "the write was refused (fail-closed). audit:query shows the writes; tenant:validation "
                        + VALIDATOR + " --tenant default shows the setting.")));
            } catch (AssertionError notLogged) {
                throw new AssertionError(notLogged.getMessage() + "; logged: " + logged, notLogged);
            } finally {
                context.getService(reader).removeLogListener(listener);
                context.ungetService(reader);
            }
            assertEquals(0, storedWithMrn(throwing));

            // The tenant's own setting comes before the plugin's default. Every change of it is audited once, by the
            // service: through the shell (a thin layer over it) as through any other caller (an HTTP endpoint).
            long changes = count("tenant.validation");
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default fail-closed");
            assertEquals("the shell's change audited once", changes + 1, count("tenant.validation"));
            choices.set("default", VALIDATOR, true, "it-caller");
            assertEquals("a direct call audited once", changes + 2, count("tenant.validation"));
            AuditRecord direct = latest("tenant.validation");
            assertEquals("it-caller", direct.user());
            assertTrue(direct.toString(), direct.toString().contains(VALIDATOR + " fail-open"));
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default fail-open");
            assertEquals(1, storedWithMrn(patients.create(patient("Throw"))));
            assertTrue(latest("PatientService.create").query().contains(VALIDATOR + " 1.0.0=threw (fail-open)"));
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default clear");
            assertTrue(Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default").contains("has no setting"));
            try {
                patients.create(patient("Throw"));
                fail("cleared: the plugin's default, fail-closed, again");
            } catch (ValidationException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("tenant:validation " + VALIDATOR
                        + " --tenant default fail-open"));
            }

            Files.writeString(policy, before + "validation plugin " + VALIDATOR + " fail-open\n");
            security.setMode(SecurityMode.DEVELOPMENT); // rewrites the file: the policy is reloaded before it returns
            assertEquals(java.util.Optional.of(true), limits.validatorFailsOpen(VALIDATOR, "default"));
            Patient stored = patients.create(patient("Throw"));
            assertEquals(1, storedWithMrn(stored));
            String audited = latest("PatientService.create").query();
            assertTrue(audited, audited.contains(VALIDATOR + " 1.0.0=threw (fail-open)"));

            // ... and before the operator's policy: this tenant wants its writes refused.
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default fail-closed");
            assertTrue(Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default").contains("fails closed"));
            Patient refused = patient("Throw");
            try {
                patients.create(refused);
                fail("the tenant's fail-closed overrides the policy's fail-open");
            } catch (ValidationException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("fails closed"));
            }
            assertEquals(0, storedWithMrn(refused));
            try {
                Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default fail-sometimes");
                fail("not a choice");
            } catch (Exception expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("Nothing changed"));
            }
            try {
                Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant nowhere fail-open");
                fail("no such tenant");
            } catch (Exception expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("no tenant 'nowhere'"));
            }
            assertTrue("unchanged by the refused commands",
                    Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default").contains("fails closed"));
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default clear");
            assertEquals(1, storedWithMrn(patients.create(patient("Throw"))));
        } finally {
            Shell.run(shell, "tenant:validation " + VALIDATOR + " --tenant default clear");
            Files.writeString(policy, before);
            security.setMode(SecurityMode.DEVELOPMENT);
            plugin.uninstall();
        }
    }

    @Test
    public void anEndlessLoopIsCutAtItsDeadlineAndQuarantinedAfterThreeOverruns() throws Exception {
        Bundle plugin = validator();
        ExecutorService creator = Executors.newSingleThreadExecutor();
        try {
            for (int overrun = 1; overrun <= 3; overrun++) {
                Future<Patient> spinning = creator.submit(() -> patients.create(patient("Spin")));
                if (overrun == 1) {
                    // The shell answers while a create waits on the spinning validator.
                    Await.until("the spinning call is running", 10_000, () -> running(plugin) > 0);
                    String top = Shell.run(shell, "plugin:top");
                    assertTrue(top, top.contains(VALIDATOR));
                }
                try {
                    spinning.get();
                    fail("a required validator that overruns fails closed");
                } catch (java.util.concurrent.ExecutionException expected) {
                    assertTrue(String.valueOf(expected.getCause()), expected.getCause() instanceof ValidationException
                            && expected.getCause().getMessage().contains("overran its validator deadline of 1000 ms"));
                }
            }
            // stopped, not stopping: while it stops (its calls drained, its component deactivated) its validator is
            // still listed, and refused as quarantined, which fails closed
            Await.until("the looping validator is stopped", 20_000, () -> plugin.getState() == Bundle.RESOLVED);
            String why = String.join("\n", plugins.why(String.valueOf(plugin.getBundleId())));
            assertTrue(why, why.contains("quarantined") && why.contains("overran its validator deadline"));
            PluginCallStats stats = stats(plugin);
            assertEquals(3, stats.timeouts());
            assertTrue(stats.toString(), stats.cpuNanos() > 0);
            Patient created = patients.create(patient("Spin")); // the quarantined validator no longer runs
            assertNotEquals(null, created.id());
            Await.until("the spinning calls end once the plugin is stopped", 20_000, () -> running(plugin) == 0);

            plugin.start(); // an operator lifts the quarantine
            assertTrue(security.refusals(plugin).stream().noneMatch(reason -> reason.contains("quarantined")));
        } finally {
            creator.shutdownNow();
            plugin.uninstall();
        }
    }

    /**
     * What a validator returns or throws is read inside its bounded call, never on the writer's thread: a list of
     * issues that never ends is refused once past the limit, and an exception whose message never comes is cut at the
     * deadline; each write is answered within the deadline with a clear error, and the next write works.
     */
    @Test
    public void anEndlessListOfIssuesOrAnEndlessMessageIsAnsweredWithinTheDeadline() throws Exception {
        Bundle plugin = validator();
        ExecutorService creator = Executors.newSingleThreadExecutor();
        try {
            Patient endless = patient("Endless");
            long started = System.nanoTime();
            Future<Patient> refused = creator.submit(() -> patients.create(endless));
            try {
                refused.get(10, java.util.concurrent.TimeUnit.SECONDS);
                fail("a required validator whose issues never end fails closed");
            } catch (java.util.concurrent.ExecutionException expected) {
                String message = String.valueOf(expected.getCause().getMessage());
                assertTrue(message, expected.getCause() instanceof ValidationException
                        && message.contains("more than 100 issues") && message.contains("fails closed"));
            }
            assertTrue("answered within the deadline of 1000 ms",
                    System.nanoTime() - started < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(3000));
            assertEquals("nothing stored", 0, storedWithMrn(endless));
            assertTrue(latest("PatientService.create").query(), latest("PatientService.create").query()
                    .contains(VALIDATOR + " 1.0.0=threw (fail-closed)"));
            assertEquals(1, storedWithMrn(patients.create(patient("Fine"))));

            Patient sly = patient("Sly");
            Future<Patient> cut = creator.submit(() -> patients.create(sly));
            try {
                cut.get(10, java.util.concurrent.TimeUnit.SECONDS);
                fail("a required validator whose exception never tells its message fails closed");
            } catch (java.util.concurrent.ExecutionException expected) {
                String message = String.valueOf(expected.getCause().getMessage());
                assertTrue(message, expected.getCause() instanceof ValidationException
                        && message.contains("overran its validator deadline of 1000 ms"));
            }
            assertEquals(0, storedWithMrn(sly));
            Stored<Patient> next = patients.createWithWarnings(patient("Warn"));
            assertEquals("the next write is validated as before", 1, next.warnings().size());
        } finally {
            creator.shutdownNow();
            plugin.uninstall();
        }
    }

    private PluginCallStats stats(Bundle plugin) {
        for (PluginCallStats stats : calls.stats()) {
            if (stats.bundleId() == plugin.getBundleId()) {
                return stats;
            }
        }
        return new PluginCallStats(plugin.getBundleId(), VALIDATOR, 0, 0, 0, 0, 0, 0, 0);
    }

    private long running(Bundle plugin) {
        return stats(plugin).running();
    }

}
