package org.carehost.scheduler.internal;

import org.carehost.crypto.PhiCipher;
import org.carehost.crypto.SealedColumn;
import org.carehost.crypto.SealedValues;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The scheduled jobs' sealed payloads, re-sealed by the key rotation ({@link SealedValues}), so that a rotation never retires the key a job's payload is still
 * sealed under.
 */
@Component(service = SealedValues.class)
public final class JobSeals implements SealedValues {

    private final SealedColumn column;

    @Activate
    public JobSeals(@Reference Store store, @Reference PhiCipher cipher) {
        this.column = new SealedColumn(store::connection, cipher, "scheduled_work", "id", "payload", Jobs::aad);
    }

    @Override
    public int reseal(int batch) {
        return column.reseal(batch);
    }

    @Override
    public long staleCount() {
        return column.staleCount();
    }
}
