package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.carehost.audit.AuditEvent;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.Verification;
import org.carehost.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared-database writer with two nodes appending to one trail. Its SQL (a multi-row INSERT, the primary key's
 * unique violation, 23505) is standard, so H2 stands in for PostgreSQL here; PostgreSQL itself runs it in the
 * PostgreSQL integration tests.
 */
class PostgresWriterTest {

    private final String url = "jdbc:h2:mem:shared-trail-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private Connection keepAlive;

    @BeforeEach
    void schema() throws Exception {
        keepAlive = DriverManager.getConnection(url);
        AuditSchema.create(keepAlive);
    }

    @AfterEach
    void close() throws SQLException {
        keepAlive.close();
    }

    private PostgresWriter node(String name) {
        return new PostgresWriter(store(), new ChainLinks(name, Clock.systemUTC()));
    }

    private static List<AuditEvent> events(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new AuditEvent("org.example.plugin", "1.0", "dr-" + i, null, AuditAction.READ, "PatientService.get",
                    "Patient", "p-" + i, "p-" + i, null, AuditOutcome.SUCCESS, null));
        }
        return events;
    }

    private static List<Long> sequences(List<AuditRecord> records) {
        return records.stream().map(AuditRecord::sequence).toList();
    }

    @Test
    void aNodeBehindAnotherChainsItsBatchAfterTheOthersAndTheTrailVerifies() throws Exception {
        PostgresWriter a = node("a");
        PostgresWriter b = node("b");
        assertEquals(List.of(1L, 2L, 3L), sequences(a.write(events(3))));
        assertEquals(List.of(4L, 5L), sequences(b.write(events(2))));
        // a still holds 3 as the head: its first try takes 4, which b holds, so it chains again after 5.
        List<AuditRecord> again = a.write(events(2));
        assertEquals(List.of(6L, 7L), sequences(again));
        assertEquals(AuditSchema.count(keepAlive, "SELECT COUNT(*) FROM audit_record"), 7);
        Verification verified = Verifier.chain(keepAlive);
        assertTrue(verified.intact(), verified.problem());
        assertEquals(7, verified.checked());
    }

    @Test
    void twoNodesWritingAtOnceMakeOneUnbrokenChain() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Long>>> written = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                PostgresWriter writer = node(name);
                written.add(nodes.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int batch = 0; batch < 40; batch++) {
                        mine.addAll(sequences(writer.write(events(1 + batch % 5))));
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> future : written) {
                all.addAll(future.get());
            }
            Collections.sort(all);
            assertEquals(2 * (8 * (1 + 2 + 3 + 4 + 5)), all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i), "every sequence number once");
            }
            Verification verified = Verifier.chain(keepAlive);
            assertTrue(verified.intact(), verified.problem());
            assertEquals(all.size(), verified.checked());
        } finally {
            nodes.shutdownNow();
        }
    }

    @Test
    void afterAFailureTheHeadIsReadAgainAndNothingOfTheFailedBatchIsKept() throws Exception {
        PostgresWriter a = node("a");
        a.write(events(2));
        databaseDown.set(true);
        SQLException refused = assertThrows(SQLException.class, () -> a.write(events(3)));
        assertEquals("08001", refused.getSQLState());
        databaseDown.set(false);
        // another node appends meanwhile; a, having lost track of the head, reads it before writing
        node("b").write(events(1));
        assertEquals(List.of(4L), sequences(a.write(events(1))));
        assertTrue(Verifier.chain(keepAlive).intact());
    }

    private Store store() {
        return new Store() {
            @Override
            public Connection connection() throws SQLException {
                if (databaseDown.get()) {
                    throw new SQLException("Connection refused (the test's outage)", "08001");
                }
                return DriverManager.getConnection(url);
            }

            @Override
            public Dialect dialect() {
                return Dialect.POSTGRESQL;
            }

            @Override
            public <T> Optional<T> adaptTo(Class<T> type) {
                return Optional.empty();
            }

            @Override
            public org.carehost.store.PoolUse poolUse() {
                return new org.carehost.store.PoolUse(0, 0, 1, 0);
            }

            @Override
            public String url() {
                return url;
            }
        };
    }
}
