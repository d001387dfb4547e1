package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Stored;

/**
 * Creates without pause, gated by the {@code drain-validator} fixture (required, fail-closed, one warning naming
 * its version per create it checks), while a test updates that validator: counts every create, which version checked
 * it, and every create that failed or went unchecked. Used by {@link DrainIT} ({@code plugin:update}) and
 * {@link CatalogIT} ({@code catalog:update}).
 */
final class ValidatorLoad implements AutoCloseable {

    static final String VALIDATOR = "org.carehost.fixture.drainvalidator";

    private final PatientService patients;
    private final ExecutorService creators;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean updating = new AtomicBoolean();
    private final Map<String, LongAdder> checkedBy = new ConcurrentHashMap<>();
    private final LongAdder duringUpdates = new LongAdder();
    private final LongAdder created = new LongAdder();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    ValidatorLoad(PatientService patients, int threads) {
        this.patients = patients;
        this.creators = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            creators.submit(this::create);
        }
    }

    private Void create() {
        while (!stop.get()) {
            boolean during = updating.get();
            try {
                Stored<Patient> stored = patients.createWithWarnings(patient("Drain"));
                created.increment();
                if (during) {
                    duringUpdates.increment();
                }
                if (stored.warnings().size() != 1) {
                    failures.add("a create was not checked once by the validator: " + stored.warnings());
                } else {
                    String message = stored.warnings().get(0).message();
                    checkedBy.computeIfAbsent(message.substring(message.lastIndexOf(' ') + 1),
                            version -> new LongAdder()).increment();
                }
            } catch (RuntimeException failed) {
                failures.add("a create failed: " + failed);
            }
        }
        return null;
    }

    static Patient patient(String family) {
        return Patient.builder().addName(HumanName.official(family + UUID.randomUUID().toString().substring(0, 6), "Up"))
                .addIdentifier(Identifier.mrn("urn:carehost:test:mrn", "D-" + UUID.randomUUID()))
                .birthDate(LocalDate.of(1980, 1, 2)).build();
    }

    /** Creates checked by {@code version} ("v1", "v2") so far. */
    long checked(String version) {
        LongAdder count = checkedBy.get(version);
        return count == null ? 0 : count.sum();
    }

    long created() {
        return created.sum();
    }

    /** Runs {@code update} with the creates meanwhile counted as during an update. */
    <T> T updating(java.util.concurrent.Callable<T> update) throws Exception {
        updating.set(true);
        try {
            return update.call();
        } finally {
            updating.set(false);
        }
    }

    /** Waits until {@code version} checks creates made after this call. */
    void awaitCheckedBy(String version, String what) throws Exception {
        long before = checked(version);
        long createdBefore = created();
        Await.until(version + " checks creates " + what, 30_000,
                () -> checked(version) > before && created() > createdBefore);
    }

    /** Stops the creators and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        creators.shutdown();
        assertTrue("the creators stop", creators.awaitTermination(60, TimeUnit.SECONDS));
    }

    /** No create failed or went unchecked, some ran during updates, and only v1 and v2 checked them. */
    void assertNothingLost() {
        assertTrue(failures.size() + " of " + created() + " creates failed or went unchecked, first: "
                + failures.stream().limit(3).toList(), failures.isEmpty());
        assertTrue("creates ran while the plugin was being updated", duringUpdates.sum() > 0);
        assertTrue("v1 checked creates: " + checkedBy, checked("v1") > 0);
        assertTrue("v2 checked creates: " + checkedBy, checked("v2") > 0);
        assertEquals("no other version checked any: " + checkedBy, 2, checkedBy.size());
    }
}
