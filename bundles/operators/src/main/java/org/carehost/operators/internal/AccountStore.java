package org.carehost.operators.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.carehost.operators.Role;
import org.carehost.store.Store;

/**
 * The SQL of operator accounts (tables of migration V13): one method per statement or transaction, nothing else.
 * Counters and one-time values (failed logins, the last TOTP step, recovery codes) change by conditional updates,
 * so that nodes sharing PostgreSQL agree without locks.
 */
final class AccountStore {

    record Row(String name, Set<Role> roles, Set<String> tenants, String passwordHash, boolean disabled,
            String totpSecret, long totpLastStep, int failedCount, Instant lockedUntil, Instant created,
            long credentialStamp) {
    }

    /** The account and the credential stamp a token was issued under. */
    record TokenOwner(String account, long stamp) {
    }

    private final Store store;
    private final TotpSeal seal;

    AccountStore(Store store, TotpSeal seal) {
        this.store = store;
        this.seal = seal;
    }

    /** The second factor's secret of a row, opened (base32); null when none is enrolled. */
    String totpSecret(Row row) {
        return row.totpSecret() == null ? null : seal.open(row.name(), row.totpSecret());
    }

    /** Every stored TOTP secret as stored (sealed, or in clear from before sealing), by account. */
    java.util.Map<String, String> totpSecrets() throws SQLException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(
                "SELECT name, totp_secret FROM operator_account WHERE totp_secret IS NOT NULL")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return out;
    }

    /** Replaces a stored secret by the same secret sealed again, unless it changed meanwhile. */
    boolean replaceTotpSecret(String account, String before, String after) throws SQLException {
        return update("UPDATE operator_account SET totp_secret = ? WHERE name = ? AND totp_secret = ?", after, account,
                before) > 0;
    }

    void insert(String name, Set<Role> roles, Set<String> tenants, String hash, long stamp, Instant now)
            throws SQLException {
        update("INSERT INTO operator_account (name, roles, tenants, password_hash, disabled, failed_count, created_at, "
                + "credential_stamp) VALUES (?, ?, ?, ?, FALSE, 0, ?, ?)", name, Role.text(roles),
                String.join(",", new TreeSet<>(tenants)), hash, time(now), stamp);
    }

    Optional<Row> row(String name) throws SQLException {
        List<Row> rows = rows("SELECT * FROM operator_account WHERE name = ?", name);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    List<Row> all() throws SQLException {
        return rows("SELECT * FROM operator_account ORDER BY name");
    }

    boolean exists(String name) throws SQLException {
        return row(name).isPresent();
    }

    /** A new password and a new credential stamp: what was open under the old one ends. */
    void setPassword(String name, String hash, long stamp) throws SQLException {
        update("UPDATE operator_account SET password_hash = ?, credential_stamp = ?, failed_count = 0, "
                + "locked_until = NULL WHERE name = ?", hash, stamp, name);
    }

    /** Disables an account with a new credential stamp: its sessions and tokens end for good, also once enabled again. */
    void disable(String name, long stamp) throws SQLException {
        update("UPDATE operator_account SET disabled = TRUE, credential_stamp = ?, failed_count = 0, locked_until = NULL "
                + "WHERE name = ?", stamp, name);
    }

    void enable(String name) throws SQLException {
        update("UPDATE operator_account SET disabled = FALSE, failed_count = 0, locked_until = NULL WHERE name = ?",
                name);
    }

    int enabledAdmins() throws SQLException {
        int count = 0;
        for (Row row : all()) {
            if (!row.disabled() && row.roles().contains(Role.ADMIN)) {
                count++;
            }
        }
        return count;
    }

    /** Counts a failure; locks the account until {@code lockUntil} when it reaches {@code max}. Returns whether locked now. */
    boolean recordFailure(String name, int max, Instant lockUntil) throws SQLException {
        update("UPDATE operator_account SET failed_count = failed_count + 1 WHERE name = ?", name);
        return update("UPDATE operator_account SET locked_until = ?, failed_count = 0 WHERE name = ? AND failed_count >= ?",
                time(lockUntil), name, max) > 0;
    }

    void clearFailures(String name) throws SQLException {
        update("UPDATE operator_account SET failed_count = 0 WHERE name = ? AND failed_count <> 0", name);
    }

    void insertToken(String id, String account, long stamp, String hash, String label, Instant created,
            Instant expires) throws SQLException {
        update("INSERT INTO operator_token (id, account, account_stamp, token_hash, label, created_at, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, account, stamp, hash, label, time(created), time(expires));
    }

    /** The account of a live token (not revoked, not expired) with this hash, and the stamp it was issued under. */
    Optional<TokenOwner> tokenAccount(String hash, Instant now) throws SQLException {
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT account, account_stamp FROM "
                        + "operator_token WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?")) {
            select.setString(1, hash);
            select.setObject(2, time(now));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new TokenOwner(rows.getString(1), rows.getLong(2))) : Optional.empty();
            }
        }
    }

    boolean revokeToken(String account, String id, Instant now) throws SQLException {
        return update("UPDATE operator_token SET revoked_at = ? WHERE account = ? AND id = ? AND revoked_at IS NULL",
                time(now), account, id) > 0;
    }

    List<org.carehost.operators.LiveToken> tokens(String account, Instant now) throws SQLException {
        List<org.carehost.operators.LiveToken> tokens = new ArrayList<>();
        try (Connection connection = store.connection();
                // issued under the account's current credential stamp: a password change or a disable ended the others
                PreparedStatement select = connection.prepareStatement("SELECT t.id, t.label, t.created_at, "
                        + "t.expires_at FROM operator_token t JOIN operator_account a ON a.name = t.account "
                        + "WHERE t.account = ? AND t.revoked_at IS NULL AND t.expires_at > ? "
                        + "AND t.account_stamp = a.credential_stamp ORDER BY t.created_at")) {
            select.setString(1, account);
            select.setObject(2, time(now));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tokens.add(new org.carehost.operators.LiveToken(rows.getString(1), rows.getString(2),
                            instant(rows, 3), instant(rows, 4)));
                }
            }
        }
        return tokens;
    }

    /** False when the account already has this key. */
    boolean insertKey(String account, String fingerprint, String type, String blob, String comment, Instant now)
            throws SQLException {
        if (!rowsOf("SELECT fingerprint FROM operator_key WHERE account = ? AND fingerprint = ?", account, fingerprint)
                .isEmpty()) {
            return false;
        }
        update("INSERT INTO operator_key (account, fingerprint, key_type, key_blob, comment_text, added_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", account, fingerprint, type, blob, comment, time(now));
        return true;
    }

    boolean hasKey(String account, String type, String blob) throws SQLException {
        return !rowsOf("SELECT fingerprint FROM operator_key WHERE account = ? AND key_type = ? AND key_blob = ?",
                account, type, blob).isEmpty();
    }

    List<String> keys(String account) throws SQLException {
        return rowsOf("SELECT fingerprint || '  ' || key_type || '  ' || comment_text FROM operator_key "
                + "WHERE account = ? ORDER BY added_at", account);
    }

    /** Enrols a second factor: the secret (sealed here), and new recovery codes replacing the old ones, in one transaction. */
    void setSecondFactor(String account, String secret, List<String> codeHashes) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement set = connection.prepareStatement(
                        "UPDATE operator_account SET totp_secret = ?, totp_last_step = NULL WHERE name = ?");
                        PreparedStatement drop = connection.prepareStatement(
                                "DELETE FROM operator_recovery_code WHERE account = ?");
                        PreparedStatement add = connection.prepareStatement(
                                "INSERT INTO operator_recovery_code (account, code_hash) VALUES (?, ?)")) {
                    set.setString(1, seal.seal(account, secret));
                    set.setString(2, account);
                    set.executeUpdate();
                    drop.setString(1, account);
                    drop.executeUpdate();
                    for (String hash : codeHashes) {
                        add.setString(1, account);
                        add.setString(2, hash);
                        add.addBatch();
                    }
                    add.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Takes a TOTP step as used; false when it (or a later one) was used already (a replayed code). */
    boolean useStep(String account, long step) throws SQLException {
        return update("UPDATE operator_account SET totp_last_step = ? WHERE name = ? "
                + "AND (totp_last_step IS NULL OR totp_last_step < ?)", step, account, step) > 0;
    }

    boolean useRecoveryCode(String account, String hash, Instant now) throws SQLException {
        return update("UPDATE operator_recovery_code SET used_at = ? WHERE account = ? AND code_hash = ? "
                + "AND used_at IS NULL", time(now), account, hash) > 0;
    }

    private int update(String sql, Object... values) throws SQLException {
        try (Connection connection = store.connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    private List<String> rowsOf(String sql, Object... values) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection connection = store.connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
            }
        }
        return out;
    }

    private List<Row> rows(String sql, Object... values) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection connection = store.connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long lastStep = rows.getLong("totp_last_step");
                    if (rows.wasNull()) {
                        lastStep = -1;
                    }
                    out.add(new Row(rows.getString("name"), Role.parseList(rows.getString("roles")),
                            tenants(rows.getString("tenants")), rows.getString("password_hash"),
                            rows.getBoolean("disabled"), rows.getString("totp_secret"),
                            lastStep, rows.getInt("failed_count"),
                            instant(rows, "locked_until"), instant(rows, "created_at"),
                            rows.getLong("credential_stamp")));
                }
            }
        }
        return out;
    }

    private static Set<String> tenants(String text) {
        Set<String> tenants = new TreeSet<>();
        for (String tenant : text.split(",")) {
            if (!tenant.isBlank()) {
                tenants.add(tenant.strip());
            }
        }
        return tenants;
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
