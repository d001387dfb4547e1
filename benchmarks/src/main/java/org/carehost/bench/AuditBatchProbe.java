package org.carehost.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

/**
 * Where an audit batch's time goes on PostgreSQL: the audit writer's statements replayed with plain JDBC, one batch
 * at a time (as the group commit's leader writes them), each step timed: the advisory lock, the head read, the
 * insert, the commit; then the same batch as one multi-row INSERT in auto-commit (one round trip), with and without
 * the table's secondary indexes, and a bare round trip ({@code SELECT 1}) for scale. Medians in microseconds.
 *
 * <pre>java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.carehost.bench.AuditBatchProbe \
 *     --url 'jdbc:postgresql://127.0.0.1:5432/carehost?user=carehost&amp;password=carehost' --batch 8 --batches 400</pre>
 * It makes its own tables ({@code probe_record}, {@code probe_bare}) shaped like {@code audit_record}, and drops them.
 */
public final class AuditBatchProbe {

    private static final String COLUMNS = "seq, recorded_at, node, plugin, plugin_version, user_id, purpose, action, "
            + "operation, resource_type, resource_id, patient_id, query_text, outcome, reason, prev_hash, hash, tenant, "
            + "roles, correlation_id, break_glass";
    private static final String TABLE = "(seq BIGINT NOT NULL PRIMARY KEY, recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,"
            + " node VARCHAR(100) NOT NULL, plugin VARCHAR(200) NOT NULL, plugin_version VARCHAR(100), user_id VARCHAR(200),"
            + " purpose VARCHAR(50), action VARCHAR(1) NOT NULL, operation VARCHAR(100) NOT NULL, resource_type VARCHAR(50),"
            + " resource_id VARCHAR(100), patient_id VARCHAR(100), query_text VARCHAR(2000), outcome VARCHAR(10) NOT NULL,"
            + " reason VARCHAR(1000), prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL, tenant VARCHAR(100),"
            + " roles VARCHAR(500), correlation_id VARCHAR(100), break_glass VARCHAR(1000))";

    private AuditBatchProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, Map.of("--url", "", "--batch", "8", "--batches", "400"));
        int batch = Integer.parseInt(options.get("--batch"));
        int batches = Integer.parseInt(options.get("--batches"));
        try (Connection connection = DriverManager.getConnection(options.get("--url"))) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE IF EXISTS probe_record");
                ddl.execute("DROP TABLE IF EXISTS probe_bare");
                ddl.execute("CREATE TABLE probe_record " + TABLE);
                ddl.execute("CREATE INDEX probe_plugin ON probe_record (plugin)");
                ddl.execute("CREATE INDEX probe_recorded ON probe_record (recorded_at)");
                ddl.execute("CREATE TABLE probe_bare " + TABLE);
            }
            long[] seq = {0};
            // 1: as the writer did it before PostgresWriter (advisory lock, head, batched insert, commit)
            long[][] steps = new long[4][batches];
            long[] total1 = new long[batches];
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime();
                connection.setAutoCommit(false);
                try (Statement lock = connection.createStatement()) {
                    lock.execute("SELECT pg_advisory_xact_lock(" + 0x70726f6265L + ")");
                }
                long t1 = System.nanoTime();
                try (PreparedStatement head = connection.prepareStatement(
                        "SELECT seq, hash FROM probe_record ORDER BY seq DESC LIMIT 1"); ResultSet row = head.executeQuery()) {
                    row.next();
                }
                long t2 = System.nanoTime();
                batchInsert(connection, "probe_record", seq, batch);
                long t3 = System.nanoTime();
                connection.commit();
                long t4 = System.nanoTime();
                connection.setAutoCommit(true);
                steps[0][b] = t1 - t0;
                steps[1][b] = t2 - t1;
                steps[2][b] = t3 - t2;
                steps[3][b] = t4 - t3;
                total1[b] = t4 - t0;
            }
            long[] multi = new long[batches];
            long[] bare = new long[batches];
            long[] roundTrip = new long[batches];
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime();
                multiRowInsert(connection, "probe_record", seq, batch);
                long t1 = System.nanoTime();
                multiRowInsert(connection, "probe_bare", seq, batch);
                long t2 = System.nanoTime();
                try (Statement one = connection.createStatement(); ResultSet row = one.executeQuery("SELECT 1")) {
                    row.next();
                }
                long t3 = System.nanoTime();
                multi[b] = t1 - t0;
                bare[b] = t2 - t1;
                roundTrip[b] = t3 - t2;
            }
            System.out.printf("%d batches of %d records, medians in us%n", batches, batch);
            System.out.printf("the previous writer (one transaction): lock %d, head %d, insert %d, commit %d = %d%n",
                    median(steps[0]), median(steps[1]), median(steps[2]), median(steps[3]), median(total1));
            System.out.printf("one multi-row INSERT, auto-commit (PostgresWriter): %d with the indexes (pkey, plugin, recorded_at), %d "
                    + "with the primary key only%n", median(multi), median(bare));
            System.out.printf("a bare round trip (SELECT 1): %d%n", median(roundTrip));
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE probe_record");
                ddl.execute("DROP TABLE probe_bare");
            }
        }
    }

    private static void bind(PreparedStatement insert, int at, long seq) throws SQLException {
        insert.setLong(at, seq);
        insert.setObject(at + 1, OffsetDateTime.now(ZoneOffset.UTC));
        insert.setString(at + 2, "node-1");
        insert.setString(at + 3, "org.example.plugin");
        insert.setString(at + 4, "1.0.0");
        insert.setString(at + 5, "dr.who");
        insert.setString(at + 6, "TREAT");
        insert.setString(at + 7, "R");
        insert.setString(at + 8, "PatientService.get");
        insert.setString(at + 9, "Patient");
        insert.setString(at + 10, "p-" + (seq % 1000));
        insert.setString(at + 11, "p-" + (seq % 1000));
        insert.setString(at + 12, null);
        insert.setString(at + 13, "SUCCESS");
        insert.setString(at + 14, null);
        insert.setString(at + 15, "0".repeat(64));
        insert.setString(at + 16, String.format("%064x", seq));
        insert.setString(at + 17, null);
        insert.setString(at + 18, null);
        insert.setString(at + 19, null);
        insert.setString(at + 20, null);
    }

    private static void batchInsert(Connection connection, String table, long[] seq, int batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(21, "?")) + ")")) {
            for (int i = 0; i < batch; i++) {
                bind(insert, 1, ++seq[0]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void multiRowInsert(Connection connection, String table, long[] seq, int batch) throws SQLException {
        String row = "(" + String.join(", ", java.util.Collections.nCopies(21, "?")) + ")";
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES "
                + String.join(", ", java.util.Collections.nCopies(batch, row)))) {
            for (int i = 0; i < batch; i++) {
                bind(insert, 1 + 21 * i, ++seq[0]);
            }
            insert.executeUpdate();
        }
    }

    private static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000;
    }

}
