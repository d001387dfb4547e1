package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Settings per tenant, by name, in the {@code tenant_setting} table (the scheduler's {@code time-zone}, a tenant's
 * validator choices {@code validation:<plugin>}): the one way the container's services read and set one.
 *
 * @since 2.5
 */
public final class TenantSettings {

    private TenantSettings() {
    }

    /** The tenant's setting under {@code name}; empty when it has none. */
    public static Optional<String> get(Store store, String tenant, String name) throws SQLException {
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT setting FROM tenant_setting WHERE tenant = ? AND name = ?")) {
            select.setString(1, tenant);
            select.setString(2, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Sets the tenant's setting under {@code name} to {@code value}, or clears it ({@code value} null), in one
     * statement: a row inserted or updated in place (never deleted then inserted, so that two nodes setting it at once
     * both succeed, the last one winning). A tenant that does not exist fails on the table's reference to it.
     */
    public static void set(Store store, String tenant, String name, String value) throws SQLException {
        if (value == null) {
            Statements.update(store, "DELETE FROM tenant_setting WHERE tenant = ? AND name = ?", tenant, name);
        } else if (store.dialect() == Store.Dialect.POSTGRESQL) {
            Statements.update(store, "INSERT INTO tenant_setting (tenant, name, setting) VALUES (?, ?, ?) "
                    + "ON CONFLICT (tenant, name) DO UPDATE SET setting = EXCLUDED.setting", tenant, name, value);
        } else {
            Statements.update(store, "MERGE INTO tenant_setting (tenant, name, setting) KEY (tenant, name) "
                    + "VALUES (?, ?, ?)", tenant, name, value);
        }
    }
}
