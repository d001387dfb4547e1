package org.carehost.security.internal;

import java.util.concurrent.atomic.AtomicLongArray;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;

/**
 * One plugin's grants as a bit set that the policy replaces at once; a check is a volatile read and a bit
 * test. Also counts what was used and what was denied, for {@code plugin:permissions}.
 */
final class PluginGrants implements Grants {

    /** What the container's own bundles hold: everything, with nothing to count. */
    static final Grants CONTAINER = new Grants() {
        @Override
        public boolean holds(Permission permission) {
            return true;
        }

        @Override
        public void check(Permission permission) {
            // the container's own bundles are trusted
        }
    };

    private final String plugin;
    private final String version;
    private final Denials denials;
    private volatile long granted;
    /** Read without a fence on the fast path: a stale read only means one more (idempotent) markUsed. */
    private long used;
    private final AtomicLongArray denied = new AtomicLongArray(Permission.values().length);

    PluginGrants(String plugin, String version, long granted, Denials denials) {
        this.plugin = plugin;
        this.version = version;
        this.granted = granted;
        this.denials = denials;
    }

    void set(long bits) {
        this.granted = bits;
    }

    long granted() {
        return granted;
    }

    synchronized long used() {
        return used;
    }

    long denied(Permission permission) {
        return denied.get(permission.ordinal());
    }

    @Override
    public boolean holds(Permission permission) {
        return (granted & permission.bit()) != 0;
    }

    @Override
    public void check(Permission permission) {
        long bit = permission.bit();
        if ((granted & bit) != 0) {
            if ((used & bit) == 0) {
                markUsed(bit);
            }
            return;
        }
        denied.incrementAndGet(permission.ordinal());
        denials.record(plugin, version, permission.id(), "called a host service without " + permission.id());
        throw new PermissionDeniedException(plugin + " " + version, permission.id());
    }

    private synchronized void markUsed(long bit) {
        used |= bit;
    }
}
