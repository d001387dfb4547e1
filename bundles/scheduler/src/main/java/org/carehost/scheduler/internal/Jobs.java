package org.carehost.scheduler.internal;

import static org.carehost.store.Statements.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Optional;

import org.carehost.crypto.CipherException;
import org.carehost.crypto.PhiCipher;
import org.carehost.scheduler.Job;
import org.carehost.store.NamedLocks;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.carehost.store.TenantSettings;

/**
 * The {@code scheduled_work} table (and the tenants' {@code time-zone} setting, a {@link TenantSettings}). A job's payload is sealed like PHI
 * (it may name a patient). A node runs a job only after {@link #claim}ing it: a compare-and-set on its version,
 * which the database's row lock makes exclusive across nodes sharing PostgreSQL; a claim expires (the node died) at
 * {@code claim_until}, after which another node claims it again.
 */
final class Jobs {

    private static final String COLUMNS = "id, plugin, tenant, purpose, task, cron, due_at, state, attempts, "
            + "last_error, version_id, payload";

    private final Store store;
    private final NamedLocks locks;
    private final PhiCipher cipher;

    Jobs(Store store, PhiCipher cipher) {
        this.store = store;
        this.locks = new NamedLocks(store);
        this.cipher = cipher;
    }

    /** A job row with its (opened) payload and version. */
    /**
     * A job as this node reads it. {@code unopened} says why its sealed payload does not open here (a key this node
     * does not hold, or a changed value); the payload is then null, and the node neither runs nor claims the job.
     */
    record Row(Job job, String payload, long version, String unopened) {
        boolean opens() {
            return unopened == null;
        }
    }

    void insert(Job job, String payload, Instant now) {
        try (Connection connection = store.connection()) {
            insert(connection, job, payload, now);
        } catch (SQLException e) {
            throw failure("store the job", e);
        }
    }

    /**
     * Stores the job unless its plugin has {@code most} live jobs already: counted and stored as one step per plugin
     * ({@link NamedLocks}: jobs scheduled at once on any node cannot pass the limit together).
     *
     * @return -1 when stored, else the plugin's live jobs, which refused it
     */
    long insertBelow(Job job, String payload, Instant now, long most) {
        try (NamedLocks.Held limit = locks.hold("jobs\n" + job.plugin()); Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                limit.lockRow(connection);
                long live = live(connection, job.plugin());
                if (live >= most) {
                    connection.rollback();
                    return live;
                }
                insert(connection, job, payload, now);
                connection.commit();
                return -1;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("store the job", e);
        }
    }

    private void insert(Connection connection, Job job, String payload, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO scheduled_work (id, plugin, tenant, "
                        + "purpose, task, cron, payload, due_at, state, attempts, version_id, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SCHEDULED', 0, 1, ?)")) {
            insert.setString(1, job.id());
            insert.setString(2, job.plugin());
            insert.setString(3, job.tenant());
            insert.setString(4, job.purpose());
            insert.setString(5, job.task());
            insert.setString(6, job.cron());
            insert.setString(7, payload == null ? null : cipher.seal(payload, aad(job.id())));
            insert.setObject(8, utc(job.due()));
            insert.setObject(9, utc(now));
            insert.executeUpdate();
        }
    }

    /**
     * Jobs due at {@code now}: scheduled ones whose time has come, and running ones whose claim expired; without the
     * jobs in {@code passOver} (ones whose payload does not open on this node), so that they cannot fill every page.
     */
    List<Row> due(Instant now, int limit, Collection<String> passOver) {
        List<Object> parameters = new ArrayList<>(List.of(utc(now), utc(now)));
        parameters.addAll(passOver);
        String except = passOver.isEmpty() ? ""
                : " AND id NOT IN (" + String.join(", ", Collections.nCopies(passOver.size(), "?")) + ")";
        return select("SELECT " + COLUMNS + " FROM scheduled_work WHERE ((state = 'SCHEDULED' AND due_at <= ?) "
                + "OR (state = 'RUNNING' AND claim_until < ?))" + except + " ORDER BY due_at LIMIT " + limit,
                parameters.toArray());
    }

    /** Which of {@code ids} are still waiting or running (the others were finished or cancelled, on any node). */
    Set<String> pendingAmong(Collection<String> ids) {
        Set<String> pending = new HashSet<>();
        if (ids.isEmpty()) {
            return pending;
        }
        String sql = "SELECT id FROM scheduled_work WHERE state IN ('SCHEDULED', 'RUNNING') AND id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            int i = 1;
            for (String id : ids) {
                select.setString(i++, id);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    pending.add(row.getString(1));
                }
            }
            return pending;
        } catch (SQLException e) {
            throw failure("read scheduled jobs", e);
        }
    }

    /**
     * True when this node now holds the job until {@code until}; false when another node (or a cancel) got it. The
     * claim counts the run as an attempt, in the same statement: a run that never finishes (its process killed, by the
     * task itself or otherwise) has been counted all the same, so a job that kills the process every time ends
     * {@code FAILED} ({@link #releaseClaims}) instead of running again at every start. A run that finishes writes its
     * own count ({@link #finish}).
     */
    boolean claim(Row row, String node, Instant until) {
        return update("UPDATE scheduled_work SET state = 'RUNNING', claim_until = ?, claimed_by = ?, "
                + "attempts = attempts + 1, version_id = version_id + 1 WHERE id = ? AND version_id = ? "
                + "AND state IN ('SCHEDULED', 'RUNNING')", utc(until), node, row.job().id(), row.version() + 0L) == 1;
    }

    /** What a run's claim covers past twice its deadline: the node's and the database's own pauses. */
    static final Duration CLAIM_MARGIN = Duration.ofMinutes(1);

    /**
     * {@link #claim}s the row for a run with that deadline, from the clock's instant at this claim (not the poll's: a
     * poll runs its due jobs one after another, each up to its deadline). The run's call may wait up to one deadline
     * for its plugin's new version, then run up to one (both bounded by the plugin calls), so the claim covers twice
     * the deadline and {@link #CLAIM_MARGIN}: once it has expired, the node that claimed cannot still be in the run,
     * and another node may claim the job again (and mark it FAILED when its attempts are used up).
     */
    boolean claimRun(Row row, String node, Clock clock, Duration deadline) {
        return claim(row, node, clock.instant().plus(deadline.multipliedBy(2)).plus(CLAIM_MARGIN));
    }

    /** What {@link #releaseClaims} did: runs scheduled again, and jobs failed for good. */
    record Released(int again, int failed) {
    }

    /**
     * Every running job made back into a scheduled one, due as it was (so due at once), unless its claimed runs
     * reached {@code attempts} without finishing (each claim counts one): then it is {@code FAILED}, saying so. Only
     * for claims no live process holds ({@link org.carehost.store.StaleClaims}).
     */
    Released releaseClaims(int attempts) {
        int failed = update("UPDATE scheduled_work SET state = 'FAILED', claim_until = NULL, claimed_by = NULL, "
                + "last_error = LEFT(CASE WHEN last_error IS NULL THEN ? ELSE CONCAT(?, last_error) END, 2000), "
                + "version_id = version_id + 1 WHERE state = 'RUNNING' AND attempts >= ?",
                crashed(attempts, null), crashed(attempts, ""), attempts);
        int again = update("UPDATE scheduled_work SET state = 'SCHEDULED', claim_until = NULL, claimed_by = NULL, "
                + "version_id = version_id + 1 WHERE state = 'RUNNING'");
        return new Released(again, failed);
    }

    /**
     * Why a job whose last run did not finish is FAILED once its runs reached {@code attempts} (earlier ones may have
     * failed with an error, which follows: {@code earlier}, or nothing when null).
     */
    static String crashed(int attempts, String earlier) {
        return "its last run did not finish (its process stopped during it: killed, or the task ended the process), "
                + "and it had been run " + attempts + " times; not run again (schedule:list --all shows it; the "
                + "plugin can schedule it anew)" + (earlier == null ? "" : "; the error before: " + earlier);
    }

    /**
     * A job put off because its task was not there, due again at {@code due} (when it was due before), if nothing
     * changed it since ({@code version}); true if so.
     */
    boolean dueAgain(String id, long version, Instant due) {
        return update("UPDATE scheduled_work SET due_at = ?, last_error = NULL, version_id = version_id + 1 "
                + "WHERE id = ? AND version_id = ? AND state = 'SCHEDULED'", utc(due), id, version) == 1;
    }

    /** After a run: scheduled again at {@code due} (cron, or a retry), or finished in {@code state}. */
    void finish(String id, long claimedVersion, String state, Instant due, int attempts, String error) {
        update("UPDATE scheduled_work SET state = ?, due_at = ?, attempts = ?, last_error = ?, claim_until = NULL, "
                + "version_id = version_id + 1 WHERE id = ? AND version_id = ?", state, utc(due), attempts,
                error == null ? null : error.substring(0, Math.min(2000, error.length())), id, claimedVersion);
    }

    boolean cancel(String id, String plugin, String tenant) {
        return update("UPDATE scheduled_work SET state = 'CANCELLED', version_id = version_id + 1 WHERE id = ? "
                + "AND plugin = ? AND tenant = ? AND state IN ('SCHEDULED', 'RUNNING')", id, plugin, tenant) == 1;
    }

    boolean cancel(String id) {
        return update("UPDATE scheduled_work SET state = 'CANCELLED', version_id = version_id + 1 WHERE id = ? "
                + "AND state IN ('SCHEDULED', 'RUNNING')", id) == 1;
    }

    private static long live(Connection connection, String plugin) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM scheduled_work WHERE "
                + "plugin = ? AND state IN ('SCHEDULED', 'RUNNING')")) {
            count.setString(1, plugin);
            try (java.sql.ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    List<Row> pending(String plugin, String tenant) {
        return select("SELECT " + COLUMNS + " FROM scheduled_work WHERE plugin = ? AND tenant = ? "
                + "AND state IN ('SCHEDULED', 'RUNNING') ORDER BY due_at LIMIT 1000", plugin, tenant);
    }

    List<Row> all(boolean finishedToo) {
        return select("SELECT " + COLUMNS + " FROM scheduled_work" + (finishedToo ? ""
                : " WHERE state IN ('SCHEDULED', 'RUNNING')") + " ORDER BY due_at DESC LIMIT 200");
    }

    Optional<ZoneId> zone(String tenant) {
        try {
            return TenantSettings.get(store, tenant, "time-zone").map(ZoneId::of);
        } catch (SQLException e) {
            throw failure("read the tenant's time zone", e);
        }
    }

    void setZone(String tenant, ZoneId zone) {
        try {
            TenantSettings.set(store, tenant, "time-zone", zone.getId());
        } catch (SQLException e) {
            throw failure("set the tenant's time zone (is there such a tenant? tenant:list)", e);
        }
    }

    private List<Row> select(String sql, Object... parameters) {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String id = row.getString(1);
                    String sealed = row.getString(12);
                    Job job = new Job(id, row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                            row.getString(6), row.getObject(7, OffsetDateTime.class).toInstant(), row.getString(8),
                            row.getInt(9), row.getString(10));
                    rows.add(opened(job, sealed, row.getLong(11)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failure("read scheduled jobs", e);
        }
    }

    /** One row that does not open must not stop this node reading, and so running, every other row. */
    private Row opened(Job job, String sealed, long version) {
        if (sealed == null) {
            return new Row(job, null, version, null);
        }
        try {
            return new Row(job, cipher.open(sealed, aad(job.id())), version, null);
        } catch (CipherException e) {
            return new Row(job, null, version, e.getMessage());
        }
    }

    private int update(String sql, Object... parameters) {
        try {
            return Statements.update(store, sql, parameters);
        } catch (SQLException e) {
            throw failure("change a scheduled job", e);
        }
    }

    static String aad(String id) {
        return "scheduled_work.payload|" + id;
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
    }
}
