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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.clock.ContainerClock;
import org.carehost.context.ConsentDirective;
import org.carehost.context.ConsentDirective.Kind;
import org.carehost.context.Consents;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Consent directives in the store, cached per patient (checked on every call that reaches a patient). */
@Component
public final class ConsentsImpl implements Consents {

    private final Store store;
    private final Clock clock;
    private final Map<String, List<ConsentDirective>> cache = new ConcurrentHashMap<>();

    @Activate
    public ConsentsImpl(@Reference Store store, @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public ConsentDirective add(String tenant, String patientId, Kind kind, String plugin, String by) {
        Texts.require("tenant", tenant, 64);
        Texts.require("patient id", patientId, 64);
        String target = target(kind, plugin);
        Optional<ConsentDirective> existing = of(tenant, patientId).stream()
                .filter(d -> d.kind() == kind && d.plugin().equals(target)).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant now = clock.instant();
        try (Connection connection = store.connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO consent_directive "
                        + "(tenant, patient_id, kind, plugin, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, tenant);
            insert.setString(2, patientId);
            insert.setString(3, kind.name().toLowerCase(Locale.ROOT));
            insert.setString(4, target);
            insert.setString(5, by);
            insert.setObject(6, Statements.utc(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw Texts.failure("record the consent directive", e);
        } finally {
            cache.remove(key(tenant, patientId));
        }
        return new ConsentDirective(tenant, patientId, kind, target, by, now);
    }

    @Override
    public boolean remove(String tenant, String patientId, Kind kind, String plugin) {
        String target = target(kind, plugin);
        try (Connection connection = store.connection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM consent_directive "
                        + "WHERE tenant = ? AND patient_id = ? AND kind = ? AND plugin = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, patientId);
            delete.setString(3, kind.name().toLowerCase(Locale.ROOT));
            delete.setString(4, target);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw Texts.failure("remove the consent directive", e);
        } finally {
            cache.remove(key(tenant, patientId));
        }
    }

    @Override
    public List<ConsentDirective> of(String tenant, String patientId) {
        return cache.computeIfAbsent(key(tenant, patientId), key -> read(tenant, patientId));
    }

    @Override
    public Optional<ConsentDirective> refusing(CareContext context, String plugin, String patientId) {
        if (patientId == null) {
            return Optional.empty();
        }
        for (ConsentDirective directive : of(context.tenant(), patientId)) {
            if (directive.kind() == Kind.RESEARCH && context.purpose() == Purpose.RESEARCH) {
                return Optional.of(directive);
            }
            if (directive.kind() == Kind.PLUGIN && directive.plugin().equals(plugin)) {
                return Optional.of(directive);
            }
        }
        return Optional.empty();
    }

    private List<ConsentDirective> read(String tenant, String patientId) {
        List<ConsentDirective> directives = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT kind, plugin, recorded_by, recorded_at "
                        + "FROM consent_directive WHERE tenant = ? AND patient_id = ? ORDER BY kind, plugin")) {
            select.setString(1, tenant);
            select.setString(2, patientId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    directives.add(new ConsentDirective(tenant, patientId, Kind.parse(row.getString(1)),
                            row.getString(2), row.getString(3), row.getObject(4, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw Texts.failure("read the consent directives", e);
        }
        return List.copyOf(directives);
    }

    private static String target(Kind kind, String plugin) {
        if (kind == Kind.RESEARCH) {
            return "";
        }
        Texts.require("plugin", plugin, 200);
        return plugin.strip();
    }

    private static String key(String tenant, String patientId) {
        return tenant + "\u0000" + patientId;
    }
}
