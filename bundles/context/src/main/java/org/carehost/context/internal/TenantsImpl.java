package org.carehost.context.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.clock.ContainerClock;
import org.carehost.context.Activation;
import org.carehost.context.Tenant;
import org.carehost.context.Tenants;
import org.carehost.sdk.context.CareContext;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Tenants and activations in the store. {@link #isEnabled} runs on every host-service call, so answers are
 * cached and the cache is dropped on every change made here (on several nodes sharing PostgreSQL, a change
 * reaches the other nodes at their next restart: noted in the README).
 */
@Component
public final class TenantsImpl implements Tenants {

    private final Store store;
    private final Clock clock;
    private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
    private final Map<String, Boolean> exists = new ConcurrentHashMap<>();

    @Activate
    public TenantsImpl(@Reference Store store, @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Tenant create(String id, String name, String by) {
        if (id == null || !CareContext.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("A tenant id is 1 to 64 letters, digits, '.', '_', '@' or '-', "
                    + "starting with a letter or digit; '" + id + "' is not");
        }
        Texts.require("name", name, 200);
        if (find(id).isPresent()) {
            throw new IllegalArgumentException("There is already a tenant '" + id + "'");
        }
        for (Tenant other : list()) {
            if (other.id().equalsIgnoreCase(id)) { // "DEFAULT" beside "default": one tenant mistaken for the other
                throw new IllegalArgumentException("There is already a tenant '" + other.id() + "', which differs from '"
                        + id + "' only in upper and lower case; choose an id that differs in more than that");
            }
        }
        Instant now = clock.instant();
        try (Connection connection = store.connection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO tenant (id, name, created_by, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, name.strip());
            insert.setString(3, by);
            insert.setObject(4, Statements.utc(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw Texts.failure("create the tenant", e);
        }
        exists.remove(id);
        return new Tenant(id, name.strip(), by, now);
    }

    @Override
    public List<Tenant> list() {
        return tenants("SELECT id, name, created_by, created_at FROM tenant ORDER BY id", null);
    }

    @Override
    public Optional<Tenant> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return tenants("SELECT id, name, created_by, created_at FROM tenant WHERE id = ?", id).stream().findFirst();
    }

    private boolean tenantExists(String id) {
        return exists.computeIfAbsent(id, key -> find(key).isPresent());
    }

    @Override
    public Activation enable(String plugin, String tenant, String by) {
        return change(plugin, tenant, true, by);
    }

    @Override
    public Activation disable(String plugin, String tenant, String by) {
        return change(plugin, tenant, false, by);
    }

    private Activation change(String plugin, String tenant, boolean on, String by) {
        Texts.require("plugin", plugin, 200);
        if (!tenantExists(tenant)) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        Instant now = clock.instant();
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM plugin_activation WHERE tenant = ? AND plugin = ?");
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO plugin_activation "
                            + "(tenant, plugin, enabled, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)")) {
                delete.setString(1, tenant);
                delete.setString(2, plugin);
                delete.executeUpdate();
                insert.setString(1, tenant);
                insert.setString(2, plugin);
                insert.setBoolean(3, on);
                insert.setString(4, by);
                insert.setObject(5, Statements.utc(now));
                insert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            throw Texts.failure("change the plugin's activation", e);
        }
        enabled.remove(tenant + "\u0000" + plugin);
        return new Activation(tenant, plugin, on, by, now);
    }

    @Override
    public boolean isEnabled(String plugin, String tenant) {
        return enabled.computeIfAbsent(tenant + "\u0000" + plugin, key -> {
            try (Connection connection = store.connection();
                    PreparedStatement select = connection.prepareStatement(
                            "SELECT enabled FROM plugin_activation WHERE tenant = ? AND plugin = ?")) {
                select.setString(1, tenant);
                select.setString(2, plugin);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getBoolean(1) : CareContext.DEFAULT_TENANT.equals(tenant);
                }
            } catch (SQLException e) {
                throw Texts.failure("read the plugin's activation", e);
            }
        });
    }

    @Override
    public List<Activation> activations() {
        List<Activation> activations = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT tenant, plugin, enabled, changed_by, "
                        + "changed_at FROM plugin_activation ORDER BY tenant, plugin");
                ResultSet row = select.executeQuery()) {
            while (row.next()) {
                activations.add(new Activation(row.getString(1), row.getString(2), row.getBoolean(3),
                        row.getString(4), row.getObject(5, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw Texts.failure("read the activations", e);
        }
        return activations;
    }

    private List<Tenant> tenants(String sql, String id) {
        List<Tenant> tenants = new ArrayList<>();
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(sql)) {
            if (id != null) {
                select.setString(1, id);
            }
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    tenants.add(new Tenant(row.getString(1), row.getString(2), row.getString(3),
                            row.getObject(4, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw Texts.failure("read the tenants", e);
        }
        return tenants;
    }
}
