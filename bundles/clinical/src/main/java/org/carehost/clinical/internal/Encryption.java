package org.carehost.clinical.internal;

import java.util.List;

import org.carehost.crypto.KeyRotation;
import org.carehost.crypto.PhiCipher;
import org.carehost.crypto.SealedValues;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Keeps every stored resource sealed under the current key. At start, in the background, it seals rows from
 * before encryption and finishes a rotation an earlier run left unfinished; {@link #rotate} (security:rotate-key)
 * begins a rotation and re-seals everything. Rows are re-sealed in small batches, each row its own transaction,
 * so the services stay available and an interruption loses nothing: the next pass picks up what is left.
 */
@Component(service = KeyRotation.class, immediate = true)
public final class Encryption implements KeyRotation {

    private static final int BATCH = 200;
    private static final long GRACE_MILLIS = 2_000;

    private final PhiCipher cipher;
    private final PatientRecords patients;
    private final AppointmentRecords appointments;
    private final PluginDataRecords pluginData;
    private final Logger log;
    private final Thread catchUp;
    /** Sealed values other bundles keep (operators' TOTP secrets): re-sealed with the clinical rows. */
    private final List<SealedValues> others = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Activate
    public Encryption(@Reference PhiCipher cipher, @Reference PatientRecords patients,
            @Reference AppointmentRecords appointments, @Reference PluginDataRecords pluginData,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.pluginData = pluginData;
        this.cipher = cipher;
        this.patients = patients;
        this.appointments = appointments;
        this.log = log;
        this.catchUp = new Thread(this::catchUp, "carehost-reseal");
        catchUp.setDaemon(true);
        catchUp.start();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSealedValues(SealedValues values) {
        others.add(values);
    }

    void removeSealedValues(SealedValues values) {
        others.remove(values);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        catchUp.interrupt();
        catchUp.join(10_000);
    }

    private synchronized void catchUp() {
        try {
            long sealed = resealAll();
            String finished = cipher.keyIds().size() > 1 ? "; retired " + retireOldKeys() : "";
            if (sealed > 0 || !finished.isEmpty()) {
                log.info("Sealed {} stored resources under key {}{}", sealed, cipher.currentKeyId(), finished);
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Could not seal every stored resource under the current key; the next start tries again", e);
        }
    }

    /** Retires the keys no row is sealed under any more, and forgets what the services opened under them. */
    private List<String> retireOldKeys() {
        List<String> retired = cipher.finishRotation();
        patients.forgetOpened();
        appointments.forgetOpened();
        return retired;
    }

    @Override
    public synchronized String rotate() {
        List<String> before = cipher.keyIds();
        String key = cipher.beginRotation();
        long sealed;
        try {
            sealed = resealAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted after re-sealing part of the data under key " + key + "; run security:rotate-key "
                    + "again (or restart) to finish.";
        }
        List<String> retired = retireOldKeys();
        log.info("Key rotation: {} resources re-sealed under key {}; retired {}", sealed, key, retired);
        return "Rotated to key " + key + " (keys before: " + before + "): " + sealed + " stored resources re-sealed; "
                + "retired " + (retired.isEmpty() ? "none" : String.join(", ", retired)) + ".";
    }

    /**
     * Re-seals until no row is left under another key. A write sealed under the old key just before the
     * rotation began may land after a pass read its row (its compare-and-set then misses), so the passes go on
     * until the stale-row query finds nothing, then check again after a pause longer than any write takes:
     * only then may the old key be retired.
     */
    private synchronized long resealAll() throws InterruptedException {
        long total = 0;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            total += patients.reseal(BATCH) + appointments.reseal(BATCH) + pluginData.reseal(BATCH);
            for (SealedValues values : others) {
                total += values.reseal(BATCH);
            }
            if (staleCount() == 0) {
                Thread.sleep(GRACE_MILLIS);
                if (staleCount() == 0) {
                    return total;
                }
            }
        }
    }

    private long staleCount() {
        long stale = patients.staleCount() + appointments.staleCount() + pluginData.staleCount();
        for (SealedValues values : others) {
            stale += values.staleCount();
        }
        return stale;
    }
}
