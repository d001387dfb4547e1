package org.carehost.security.internal;

import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the security manager's per-call check costs a host-service call, side by side: the same non-audited
 * call with and without the check a guarded service makes ({@link PluginGrants#check}, the class the services
 * use). Two calls: a bare in-memory lookup (a few nanoseconds, cheaper than any real service call: the worst
 * case for the ratio) and the in-memory half of {@code PatientService.get}, turning the stored FHIR JSON into a
 * {@code Patient} (the database read, tens of microseconds more, is left out). In this package because the grants
 * class is internal to the security-manager bundle.
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main PermissionCheck</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PermissionCheckBenchmark {

    private final Map<String, String> records = new HashMap<>();
    private String[] ids;
    private Grants grants;
    private int next;

    @Setup
    public void setUp() {
        ids = new String[1024];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "patient-" + i;
            records.put(ids[i], FhirJson.write(Patient.builder().id(ids[i])
                    .addName(HumanName.official("Family" + i, "Given" + i))
                    .addIdentifier(Identifier.mrn("urn:bench", "B" + i))
                    .birthDate(LocalDate.of(1950 + i % 60, 1 + i % 12, 1 + i % 28)).build()));
        }
        grants = new PluginGrants("org.example.bench", "1.0.0",
                Permission.READ_PATIENTS.bit() | Permission.READ_APPOINTMENTS.bit(), Clock.systemUTC(),
                new Denials(Clock.systemUTC()), null);
    }

    private String id() {
        next = (next + 1) & (ids.length - 1);
        return ids[next];
    }

    @Benchmark
    public String unguardedCall() {
        return records.get(id());
    }

    @Benchmark
    public String guardedCall() {
        grants.check(Permission.READ_PATIENTS);
        return records.get(id());
    }

    @Benchmark
    public Patient unguardedRead() {
        return FhirJson.readPatient(records.get(id()));
    }

    @Benchmark
    public Patient guardedRead() {
        grants.check(Permission.READ_PATIENTS);
        return FhirJson.readPatient(records.get(id()));
    }

    @Benchmark
    public boolean checkAlone() {
        grants.check(Permission.READ_PATIENTS);
        return true;
    }
}
