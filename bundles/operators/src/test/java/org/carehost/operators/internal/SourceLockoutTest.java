package org.carehost.operators.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.carehost.store.PoolUse;
import org.carehost.store.Store;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lockout's counting on H2 with the store's own V17 and V18 scripts. */
class SourceLockoutTest {

    private static final Duration PERIOD = Duration.ofMinutes(15);
    private static final int MAX = 20;
    private final JdbcDataSource database = new JdbcDataSource();
    private Connection keepAlive;
    private SourceLockout lockout;

    @BeforeEach
    void schema() throws Exception {
        database.setURL("jdbc:h2:mem:lockout-" + System.nanoTime());
        keepAlive = database.getConnection();
        for (String script : new String[] {"V17__operator_source_lock.sql", "V18__operator_source_failure.sql"}) {
            try (InputStream in = Store.class.getResourceAsStream("/org/carehost/store/internal/migration/" + script);
                    Statement statement = keepAlive.createStatement()) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
                for (String one : sql.split(";")) {
                    if (!one.isBlank()) {
                        statement.execute(one);
                    }
                }
            }
        }
        lockout = new SourceLockout(store());
    }

    @AfterEach
    void close() throws SQLException {
        keepAlive.close();
    }

    @Test
    void failuresAcrossAWindowsEndAreCountedTogether() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertFalse(lockout.fail("10.0.0.1", MAX, PERIOD, start));
        // 18 more just before the period since the first ends: 19 in all, not locked
        Instant late = start.plus(PERIOD).minusSeconds(2);
        for (int i = 0; i < MAX - 2; i++) {
            assertFalse(lockout.fail("10.0.0.1", MAX, PERIOD, late));
        }
        assertFalse(lockout.locked("10.0.0.1", late));
        // past the first failure's period: the first no longer counts, the 18 late ones do, so 2 more lock
        Instant after = start.plus(PERIOD).plusSeconds(1);
        assertFalse(lockout.fail("10.0.0.1", MAX, PERIOD, after));
        assertTrue(lockout.fail("10.0.0.1", MAX, PERIOD, after), "20 failures within one period lock");
        assertTrue(lockout.locked("10.0.0.1", after));
        assertFalse(lockout.locked("10.0.0.2", after));
        assertFalse(lockout.locked("10.0.0.1", after.plus(PERIOD).plusSeconds(1)), "the lock ends after the period");
    }

    @Test
    void failuresSpreadOverMoreThanAPeriodDoNotLock() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Duration step = PERIOD.dividedBy(MAX - 1).plusSeconds(1);
        for (int i = 0; i < 3 * MAX; i++) {
            assertFalse(lockout.fail("10.0.0.3", MAX, PERIOD, at));
            at = at.plus(step);
        }
        assertFalse(lockout.locked("10.0.0.3", at));
    }

    @Test
    void pastTheLimitAddressesAreCountedByNetworkAndLockOnlyTheirOwn() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        fill(at);
        Instant soon = at.plusSeconds(1); // within a minute of the filler: not pruned yet
        lockout.fail("filler-1", MAX, PERIOD, soon); // prunes nothing (all in the window); the first prune of this node
        for (int i = 0; i < MAX - 1; i++) {
            assertFalse(lockout.fail("10.1.0." + i, MAX, PERIOD, soon));
        }
        assertTrue(lockout.fail("10.1.0.200", MAX, PERIOD, soon), "the 20th failure of one /24's addresses locks it");
        assertEquals(SourceLockout.MAX_TRACKED + 1, count("SELECT COUNT(*) FROM operator_source_lock"));
        assertEquals(MAX, count("SELECT failures FROM operator_source_lock WHERE address = '10.1.0.0/24'"));
        assertTrue(lockout.locked("10.1.0.250", soon), "an untracked address of the locked network is refused");
        assertFalse(lockout.locked("10.1.1.1", soon), "an untracked address of another network is not");
        assertFalse(lockout.locked("filler-2", soon), "a tracked address is decided by its own row");
        assertFalse(lockout.locked("127.0.0.1", soon), "loopback is never locked by others' failures");
        assertFalse(lockout.locked("10.1.1.1", soon.plus(PERIOD).plusSeconds(1)));
        // IPv6: counted by /48, however many addresses and /64s of it are used
        for (int i = 0; i < MAX; i++) {
            lockout.fail("2001:db8:7:" + Integer.toHexString(i + 1) + "::1", MAX, PERIOD, soon);
        }
        assertTrue(lockout.locked("[2001:db8:7:ffff::1]", soon));
        assertFalse(lockout.locked("2001:db8:8::1", soon));
        // a period later, a failure prunes every row whose failures are over and whose lock is not on
        Instant later = soon.plus(PERIOD).plus(PERIOD).plusSeconds(61);
        lockout.fail("10.3.3.3", MAX, PERIOD, later);
        assertEquals(1, count("SELECT COUNT(*) FROM operator_source_lock"));
        assertEquals(1, count("SELECT COUNT(*) FROM operator_source_failure"));
        assertEquals(1, count("SELECT COUNT(*) FROM operator_source_lock WHERE address = '10.3.3.3'"));
    }

    @Test
    void aSlash48CannotMultiplyItsBudgetWithItsSlash64s() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        fill(at);
        Instant soon = at.plusSeconds(1);
        // one failure from each of MAX /64s of one /48: the MAXth locks the /48
        for (int i = 0; i < MAX - 1; i++) {
            assertFalse(lockout.fail("2001:db8:42:" + Integer.toHexString(i) + "::1", MAX, PERIOD, soon));
        }
        assertTrue(lockout.fail("2001:db8:42:" + Integer.toHexString(MAX - 1) + "::1", MAX, PERIOD, soon),
                "the /48's budget is spent whichever of its /64s the failures came from");
        assertTrue(lockout.locked("2001:db8:42:beef::7", soon), "a fresh /64 of the /48 is refused too");
        assertFalse(lockout.locked("2001:db8:43::1", soon), "the next /48 is not");
        assertEquals(1, count("SELECT COUNT(*) FROM operator_source_lock WHERE address LIKE '2001:db8:42:%'"));
    }

    @Test
    void loopbackKeepsARowOfItsOwnPastTheLimitAndLocksOnlyByItsOwnFailures() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        fill(at);
        Instant soon = at.plusSeconds(1);
        for (int i = 0; i < MAX - 1; i++) {
            assertFalse(lockout.fail("127.0.0.1", MAX, PERIOD, soon));
        }
        assertEquals(MAX - 1, count("SELECT failures FROM operator_source_lock WHERE address = '127.0.0.1'"));
        assertFalse(lockout.locked("127.0.0.1", soon));
        assertFalse(lockout.locked("127.0.0.2", soon), "another loopback address is not counted with it");
        assertTrue(lockout.fail("127.0.0.1", MAX, PERIOD, soon));
        assertTrue(lockout.locked("127.0.0.1", soon));
        assertFalse(lockout.locked("127.0.0.5", soon));
        assertFalse(lockout.locked("0:0:0:0:0:0:0:1", soon));
    }

    /** As if {@link SourceLockout#MAX_TRACKED} addresses had failed once each at {@code at}. */
    private void fill(Instant at) throws SQLException {
        try (Statement statement = keepAlive.createStatement()) {
            statement.execute("INSERT INTO operator_source_lock (address, window_start, failures) SELECT 'filler-' || X, "
                    + "TIMESTAMP WITH TIME ZONE '" + at + "', 1 FROM SYSTEM_RANGE(1, " + SourceLockout.MAX_TRACKED + ")");
            statement.execute("INSERT INTO operator_source_failure (address, failed_at) SELECT 'filler-' || X, "
                    + "TIMESTAMP WITH TIME ZONE '" + at + "' FROM SYSTEM_RANGE(1, " + SourceLockout.MAX_TRACKED + ")");
        }
        lockout = new SourceLockout(store());
    }

    private int count(String sql) throws SQLException {
        try (Statement statement = keepAlive.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private Store store() {
        return new Store() {
            @Override
            public Connection connection() throws SQLException {
                return database.getConnection();
            }

            @Override
            public Dialect dialect() {
                return Dialect.H2;
            }

            @Override
            public <T> java.util.Optional<T> adaptTo(Class<T> type) {
                return java.util.Optional.empty();
            }

            @Override
            public PoolUse poolUse() {
                return new PoolUse(0, 0, 1, 0);
            }

            @Override
            public String url() {
                return database.getURL();
            }
        };
    }
}
