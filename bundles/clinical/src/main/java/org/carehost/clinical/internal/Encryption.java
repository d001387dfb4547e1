package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.carehost.crypto.KeyRotation;
import org.carehost.crypto.PhiCipher;
import org.carehost.crypto.SealedColumn;
import org.carehost.crypto.SealedValues;
import org.carehost.store.Store;
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
    /**
     * The schema's columns of values other bundles seal (see the store's migrations): the outbox's notifications,
     * scheduled jobs' payloads, operators' TOTP secrets.
     */
    private static final List<String[]> OTHER_SEALED_COLUMNS = List.of(new String[] {"outbox", "message"},
            new String[] {"scheduled_work", "payload"}, new String[] {"operator_account", "totp_secret"});

    private final PhiCipher cipher;
    private final Store store;
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
            @Reference Store store, @Reference(service = LoggerFactory.class) Logger log) {
        this.store = store;
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

    /**
     * Retires the keys no row is sealed under any more, and forgets what the services opened under them. Nothing is
     * retired while a column other bundles keep still holds a value under an old key: their re-sealing services may
     * not be running (not started yet, or stopped for an update), and a retired key could never open those values.
     */
    private List<String> retireOldKeys() {
        List<String> left = leftUnderOldKeys();
        if (!left.isEmpty()) {
            log.warn("Key rotation not finished: {} still sealed under an old key (their bundle re-seals them once it "
                    + "runs); the old keys are kept, and the next start or security:rotate-key finishes it", left);
            return List.of();
        }
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
        String kept = retired.isEmpty() && cipher.keyIds().size() > 1 ? " The old keys are kept: values another bundle "
                + "keeps are still sealed under them (the log says which); run security:rotate-key again once it runs."
                : "";
        return "Rotated to key " + key + " (keys before: " + before + "): " + sealed + " stored resources re-sealed; "
                + "retired " + (retired.isEmpty() ? "none" : String.join(", ", retired)) + "." + kept;
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

    /** What the other bundles' sealed columns still hold under a key other than the current one. */
    private List<String> leftUnderOldKeys() {
        List<String> left = new ArrayList<>();
        try (Connection connection = store.connection()) {
            for (String[] column : OTHER_SEALED_COLUMNS) {
                long n = SealedColumn.countUnderOldKeys(connection, cipher, column[0], column[1]);
                if (n > 0) {
                    left.add(n + " in " + column[0] + "." + column[1]);
                }
            }
        } catch (SQLException e) {
            left.add("unknown (the store could not be read: SQL state " + e.getSQLState() + ")");
        }
        return left;
    }

    private long staleCount() {
        long stale = patients.staleCount() + appointments.staleCount() + pluginData.staleCount();
        for (SealedValues values : others) {
            stale += values.staleCount();
        }
        return stale;
    }
}
