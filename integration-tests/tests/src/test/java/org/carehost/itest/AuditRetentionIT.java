package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import javax.inject.Inject;

import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** Records past retention go to a chain-preserving archive before they leave the database; nothing is dropped. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuditRetentionIT {

    @Inject
    PatientService patients;

    @Inject
    AuditLog audit;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        File deploy = Fixtures.workFolder("carehost-itest-deploy").toFile();
        Path archive = Fixtures.workFolder("carehost-itest-archive");
        return new Option[] {
            ContainerOptions.hostServices(deploy, "jdbc:h2:mem:retention-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"),
            // Retention of zero days: everything already written is past it.
            frameworkProperty("carehost.audit.retention.days").value("0"),
            frameworkProperty("carehost.audit.archive").value(archive.toString()),
            org.ops4j.pax.exam.CoreOptions.systemProperty("carehost.test.archive").value(archive.toString())
        };
    }

    @Test
    public void oldRecordsAreArchivedChainedThenRemovedAndTheChainGoesOn() throws Exception {
        // The container's clock is the test's: records are stamped by it and retention is measured on it.
        try (TestClock clock = TestClock.register(context)) {
            for (int i = 0; i < 3; i++) {
                patients.create(Patient.builder().addName(HumanName.official("Kept", "K" + i))
                        .birthDate(LocalDate.of(1990, 1, 1)).build());
            }
            long written = audit.query(AuditQuery.latest(1)).items().get(0).sequence();
            assertEquals("stamped by the container's clock", clock.instant(),
                    audit.query(AuditQuery.latest(1)).items().get(0).recorded());
            clock.advance(Duration.ofMillis(1)); // zero days' retention: now everything written is past it
            String done = audit.archive();
            assertTrue(done, done.startsWith("Archived records 1 to " + written));
            assertEquals("removed from the database", 0, audit.query(AuditQuery.latest(10)).total());

            Path file;
            try (var files = Files.list(Paths.get(System.getProperty("carehost.test.archive")))) {
                file = files.filter(f -> f.toString().endsWith(".jsonl.gz")).findFirst().orElseThrow();
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            }
            assertEquals("every archived record is in the file", written, lines.size());
            assertTrue(lines.get(0), lines.get(0).contains("\"previousHash\":\"" + "0".repeat(64) + "\""));

            patients.create(Patient.builder().addName(HumanName.official("After", "A")).build());
            assertEquals(written + 1, audit.query(AuditQuery.latest(1)).items().get(0).sequence());
            assertTrue("the chain continues from the archive boundary", audit.verify().intact());
            String same = audit.archive();
            assertTrue("a record written at the cutoff instant is not past it: " + same,
                    same.startsWith("Nothing to archive"));
            clock.advance(Duration.ofMillis(1));
            assertTrue(audit.archive().startsWith("Archived records " + (written + 1)));
        }
    }
}
