package org.carehost.security.internal;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;

/**
 * One plugin's grants as a bit set that the policy replaces at once; a check is a volatile read and a bit test
 * (plus a counter when the plugin has a quota). Also counts what was used and what was denied, for
 * {@code plugin:permissions}, and the distinct patients it touched this hour and how often it was refused within a
 * minute, for access anomalies.
 */
final class PluginGrants implements Grants {

    /** What happens when a plugin crosses a line: the container records, audits and posts it. */
    interface Alarms {
        void quotaExceeded(PluginGrants plugin, long limitPerMinute);

        void anomaly(PluginGrants plugin, long distinctPatients, long threshold);

        /** More refusals than the policy's threshold within a minute (run-time, event and host-service denials). */
        default void denialBurst(PluginGrants plugin, long refusals, long threshold) {
            // not watched
        }
    }

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

        @Override
        public void touched(String patientId) {
            // not watched
        }
    };

    /**
     * What a plugin's bundle holds once it is uninstalled (its code left running, a host-service object it kept):
     * nothing. Denials are not counted: there is no plugin left to report on.
     */
    static Grants uninstalled(String plugin) {
        return new Grants() {
            @Override
            public boolean holds(Permission permission) {
                return false;
            }

            @Override
            public void check(Permission permission) {
                throw new PermissionDeniedException(plugin + " (uninstalled)", permission.id());
            }

            @Override
            public void touched(String patientId) {
                // nothing is allowed to touch one
            }
        };
    }

    private static final long MINUTE_MILLIS = 60_000L;
    private static final long HOUR_MILLIS = 60 * MINUTE_MILLIS;

    private final String plugin;
    private final String version;
    /** The container's clock: the quota's minute, the anomaly's hour and the refusals' sliding minute. */
    private final Clock clock;
    private final Denials denials;
    private final Alarms alarms;
    /** What the policy gives the plugin, replaced whole so that a check reads one field. */
    private record Limits(long granted, long callsPerMinute, long patientsPerHour, long denialsPerMinute) {
    }

    private volatile Limits limits;
    /** Set once its revision is gone ({@link #retire}); guarded by this. */
    private boolean retired;
    /** Read without a fence on the fast path: a stale read only means one more (idempotent) markUsed. */
    private long used;
    private final AtomicLongArray denied = new AtomicLongArray(Permission.values().length);

    private long minute = Long.MIN_VALUE;
    private long callsThisMinute;
    private boolean quotaAlarmed;

    private long hour = Long.MIN_VALUE;
    private final Set<String> patientsThisHour = new HashSet<>();
    private boolean anomalyRaised;

    /** When its last refusals happened (a ring of threshold + 1), and when a burst of them last raised an alarm. */
    private long[] refusedAt;
    private int nextRefusal;
    private int refusals;
    private long burstAlarmedAt = Long.MIN_VALUE;

    PluginGrants(String plugin, String version, long granted, Clock clock, Denials denials, Alarms alarms) {
        this.plugin = plugin;
        this.clock = clock;
        this.version = version;
        this.limits = new Limits(granted, 0, 0, 0);
        this.denials = denials;
        this.alarms = alarms;
    }

    String plugin() {
        return plugin;
    }

    /**
     * Takes over the refusals an earlier grants object of the same plugin counted (before an update or a reinstall,
     * which start its grants afresh): a plugin redeployed again and again, refused each time, still raises the alarm.
     */
    void inheritRefusals(PluginGrants earlier) {
        long[] times;
        int next;
        int count;
        long alarmed;
        synchronized (earlier) {
            times = earlier.refusedAt == null ? null : earlier.refusedAt.clone();
            next = earlier.nextRefusal;
            count = earlier.refusals;
            alarmed = earlier.burstAlarmedAt;
        }
        synchronized (this) {
            refusedAt = times;
            nextRefusal = next;
            refusals = count;
            burstAlarmedAt = alarmed;
        }
    }

    String version() {
        return version;
    }

    synchronized void set(long bits) {
        if (retired) {
            return;
        }
        Limits now = limits;
        limits = new Limits(bits, now.callsPerMinute(), now.patientsPerHour(), now.denialsPerMinute());
    }

    /**
     * For good: the revision these grants were for is gone (its bundle updated or uninstalled). Host-service objects
     * made for it still hold this object: from now on it grants nothing, whatever a policy change computes later.
     */
    synchronized void retire() {
        retired = true;
        Limits now = limits;
        limits = new Limits(0, now.callsPerMinute(), now.patientsPerHour(), now.denialsPerMinute());
    }

    /** The limits from the policy: calls per minute and distinct patients per hour (0: none). */
    synchronized void limits(long callsPerMinute, long distinctPatientsPerHour) {
        limits(callsPerMinute, distinctPatientsPerHour, limits.denialsPerMinute());
    }

    /** The limits from the policy, with the refusals within a minute that raise an access anomaly (0: none). */
    synchronized void limits(long callsPerMinute, long distinctPatientsPerHour, long denialsPerMinute) {
        limits = new Limits(retired ? 0 : limits.granted(), callsPerMinute, distinctPatientsPerHour, denialsPerMinute);
    }

    long granted() {
        return limits.granted();
    }

    long callsPerMinute() {
        return limits.callsPerMinute();
    }

    synchronized long used() {
        return used;
    }

    long denied(Permission permission) {
        return denied.get(permission.ordinal());
    }

    @Override
    public boolean holds(Permission permission) {
        return (limits.granted() & permission.bit()) != 0;
    }

    @Override
    public void check(Permission permission) {
        long bit = permission.bit();
        Limits now = limits;
        if ((now.granted() & bit) == 0) {
            denied.incrementAndGet(permission.ordinal());
            denials.record(plugin, version, permission.id(), "called a host service without " + permission.id());
            refused();
            throw new PermissionDeniedException(plugin + " " + version, permission.id());
        }
        if ((used & bit) == 0) {
            markUsed(bit);
        }
        if (now.callsPerMinute() > 0) {
            count(now.callsPerMinute());
        }
    }

    private synchronized void markUsed(long bit) {
        used |= bit;
    }

    private void count(long limit) {
        boolean firstOver;
        synchronized (this) {
            long now = Math.floorDiv(clock.millis(), MINUTE_MILLIS);
            if (now != minute) {
                minute = now;
                callsThisMinute = 0;
                quotaAlarmed = false;
            }
            callsThisMinute++;
            if (callsThisMinute <= limit) {
                return;
            }
            firstOver = !quotaAlarmed;
            quotaAlarmed = true;
        }
        if (firstOver) {
            alarms.quotaExceeded(this, limit);
        }
        throw new QuotaExceededException(plugin + " " + version, limit);
    }

    @Override
    public void touched(String patientId) {
        long threshold = limits.patientsPerHour();
        if (threshold <= 0 || patientId == null) {
            return;
        }
        long distinct;
        synchronized (this) {
            long now = Math.floorDiv(clock.millis(), HOUR_MILLIS);
            if (now != hour) {
                hour = now;
                patientsThisHour.clear();
                anomalyRaised = false;
            }
            if (anomalyRaised || !patientsThisHour.add(patientId) || patientsThisHour.size() <= threshold) {
                return;
            }
            anomalyRaised = true; // once per hour; the set stops growing (bounded memory)
            distinct = patientsThisHour.size();
        }
        alarms.anomaly(this, distinct, threshold);
    }

    /**
     * Counts one refusal of this plugin (at run time, of an event, of a host-service call); more than the policy's
     * threshold within any 60 seconds raises an access anomaly, at most once a minute. The window slides (a ring of
     * the last threshold + 1 refusal times), so a burst is seen whenever it starts.
     */
    void refused() {
        long threshold = limits.denialsPerMinute();
        if (threshold <= 0) {
            return;
        }
        long count;
        synchronized (this) {
            long now = clock.millis();
            int size = (int) threshold + 1;
            if (refusedAt == null || refusedAt.length != size) {
                refusedAt = new long[size]; // a new threshold starts a new watch
                nextRefusal = 0;
                refusals = 0;
                burstAlarmedAt = Long.MIN_VALUE;
            }
            refusedAt[nextRefusal] = now;
            nextRefusal = (nextRefusal + 1) % size;
            refusals = Math.min(refusals + 1, size);
            long oldest = refusedAt[nextRefusal % size];
            boolean burst = refusals == size && now - oldest <= MINUTE_MILLIS;
            if (!burst || burstAlarmedAt != Long.MIN_VALUE && now - burstAlarmedAt < MINUTE_MILLIS) {
                return;
            }
            burstAlarmedAt = now;
            count = size;
        }
        alarms.denialBurst(this, count, threshold);
    }
}
