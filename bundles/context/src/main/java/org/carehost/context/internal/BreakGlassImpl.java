package org.carehost.context.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.clock.ContainerClock;
import org.carehost.context.BreakGlass;
import org.carehost.context.BreakGlassGrant;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.event.SecurityEvents;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.store.Statements;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Break-glass grants: written to the store (for review) before the access they allow, announced once each,
 * and looked up in memory afterwards. A declaration lasts {@code breakGlassSeconds} from the moment the
 * container declared it; every grant under it ends then, however late it was opened.
 */
@Component(configurationPid = "org.carehost.context", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class BreakGlassImpl implements BreakGlass {

    private final Store store;
    private final EventAdmin events;
    private final Clock clock;
    private final Map<String, BreakGlassGrant> open = new ConcurrentHashMap<>();
    private volatile Duration duration;

    @Activate
    public BreakGlassImpl(@Reference Store store, @Reference EventAdmin events, ContextConfiguration configuration,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this(store, events, clock);
        modified(configuration);
    }

    BreakGlassImpl(Store store, EventAdmin events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.duration = Duration.ofHours(1);
    }

    @Modified
    void modified(ContextConfiguration configuration) {
        duration = Duration.ofSeconds(configuration.breakGlassSeconds());
    }

    @Override
    public BreakGlassGrant access(CareContext context, String plugin, String patientId) {
        check(context, plugin);
        Instant now = clock.instant();
        Instant expires = context.declared().plus(duration);
        String key = context.correlationId() + "\u0000" + patientId;
        BreakGlassGrant grant = open.get(key);
        if (grant != null) {
            return grant;
        }
        synchronized (this) {
            grant = open.get(key);
            if (grant == null) {
                grant = new BreakGlassGrant(context.correlationId(), context.tenant(), context.user(), patientId, plugin,
                        context.reason(), now, expires);
                store(grant);
                open.put(key, grant);
                announce(grant);
            }
        }
        open.values().removeIf(old -> old.expires().isBefore(now));
        return grant;
    }

    @Override
    public void check(CareContext context, String plugin) {
        if (!context.isBreakGlass()) {
            throw new IllegalArgumentException("not an emergency context");
        }
        if (context.user() == null) {
            throw new PermissionDeniedException(plugin, "break-glass",
                    "emergency (break-glass) access needs an acting user, and the care context has none");
        }
        Instant expires = context.declared().plus(duration);
        if (!clock.instant().isBefore(expires)) {
            throw new PermissionDeniedException(plugin, "break-glass", "the emergency declared by " + context.user()
                    + " at " + context.declared() + " ended at " + expires + " (break-glass lasts " + duration
                    + "); declare a new emergency with its reason to continue");
        }
    }

    private void store(BreakGlassGrant grant) {
        try (Connection connection = store.connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO break_glass (correlation_id, "
                        + "patient_id, tenant, user_id, plugin, reason, opened_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, grant.correlationId());
            insert.setString(2, grant.patientId());
            insert.setString(3, grant.tenant());
            insert.setString(4, grant.user());
            insert.setString(5, grant.plugin());
            insert.setString(6, grant.reason());
            insert.setObject(7, Statements.utc(grant.opened()));
            insert.setObject(8, Statements.utc(grant.expires()));
            insert.executeUpdate();
        } catch (SQLException e) {
            // Not recorded for review: no access. The access itself is refused (and audited as an error) by the caller.
            throw Texts.failure("record the break-glass grant", e);
        }
    }

    private void announce(BreakGlassGrant grant) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SecurityEvents.PLUGIN, grant.plugin());
        properties.put(SecurityEvents.REASON, grant.reason());
        properties.put("tenant", grant.tenant());
        properties.put("user", grant.user());
        properties.put("patientId", grant.patientId());
        properties.put("correlationId", grant.correlationId());
        properties.put("expires", grant.expires().toString());
        events.postEvent(new Event(SecurityEvents.BREAK_GLASS, properties));
    }

    @Override
    public List<BreakGlassGrant> since(Instant since) {
        List<BreakGlassGrant> grants = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT correlation_id, tenant, user_id, "
                        + "patient_id, plugin, reason, opened_at, expires_at FROM break_glass WHERE opened_at >= ? "
                        + "ORDER BY opened_at DESC LIMIT 1000")) {
            select.setObject(1, Statements.utc(since));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    grants.add(new BreakGlassGrant(row.getString(1), row.getString(2), row.getString(3),
                            row.getString(4), row.getString(5), row.getString(6),
                            row.getObject(7, OffsetDateTime.class).toInstant(),
                            row.getObject(8, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw Texts.failure("read the break-glass grants", e);
        }
        return grants;
    }

    @Override
    public Duration duration() {
        return duration;
    }
}
