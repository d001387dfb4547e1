package org.carehost.clinical.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.clinical.ValidatorChoices;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.store.Store;
import org.carehost.store.TenantSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.carehost.security.ContainerActors;

/**
 * {@link ValidatorChoices} as tenant settings ({@link TenantSettings}, name {@code validation:<plugin>}). A choice is
 * read on a validator's failure only, not on every call, so it is kept for {@link #KEPT_FOR} at most (by the container
 * clock): a change made on another node sharing PostgreSQL applies here within those seconds, without a restart; a
 * change made here applies at once.
 */
@Component
public final class ValidatorChoicesImpl implements ValidatorChoices {

    /** How long a choice read from the store is used before it is read again. */
    static final Duration KEPT_FOR = Duration.ofSeconds(5);
    private static final String FAIL_OPEN = "fail-open";
    private static final String FAIL_CLOSED = "fail-closed";

    /** A choice as read (empty when there is none), and when. */
    private record Choice(Optional<Boolean> failOpen, Instant readAt) {
    }

    private final Store store;
    private final Tenants tenants;
    private final AuditLog audit;
    private final ContextBinder binder;
    private final Clock clock;
    /** By tenant NUL plugin, each kept {@link #KEPT_FOR}. */
    private final Map<String, Choice> kept = new ConcurrentHashMap<>();

    @Activate
    public ValidatorChoicesImpl(@Reference Store store, @Reference Tenants tenants, @Reference AuditLog audit,
            @Reference ContextBinder binder, @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.store = store;
        this.tenants = tenants;
        this.audit = audit;
        this.binder = binder;
        this.clock = clock;
    }

    /** The {@code tenant_setting} name of a tenant's validator choice for a plugin. */
    private static String setting(String plugin) {
        return "validation:" + plugin;
    }

    @Override
    public Optional<Boolean> failsOpen(String tenant, String plugin) {
        if (tenant == null || plugin == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return kept.compute(tenant + "\u0000" + plugin, (key, choice) -> choice != null
                && !now.isBefore(choice.readAt()) && now.isBefore(choice.readAt().plus(KEPT_FOR)) ? choice
                        : new Choice(read(tenant, plugin), now)).failOpen();
    }

    private Optional<Boolean> read(String tenant, String plugin) {
        try {
            return TenantSettings.get(store, tenant, setting(plugin)).map(FAIL_OPEN::equals);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the tenant's validator setting: " + e.getMessage(), e);
        }
    }

    @Override
    public void set(String tenant, String plugin, Boolean failOpen, String by) {
        require(plugin);
        if (tenant == null || tenants.find(tenant).isEmpty()) {
            throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
        }
        String name = plugin.strip();
        try {
            TenantSettings.set(store, tenant, setting(name),
                    failOpen == null ? null : failOpen ? FAIL_OPEN : FAIL_CLOSED);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not change the tenant's validator setting: " + e.getMessage(), e);
        } finally {
            kept.remove(tenant + "\u0000" + name);
        }
        audited(tenant, name, failOpen == null ? "cleared" : failOpen ? FAIL_OPEN : FAIL_CLOSED, by);
    }

    /** The change's record, durable before {@link #set} returns. */
    private void audited(String tenant, String plugin, String choice, String by) {
        CareContext context = binder.current().orElse(null);
        audit.append(new AuditEvent(ContainerActors.OPERATOR, null, by,
                context == null ? null : context.purpose().code(),
                context == null ? null : context.tenant(),
                context == null || context.roles().isEmpty() ? null : context.rolesText(),
                context == null ? null : context.correlationId(),
                context != null && context.isBreakGlass() ? context.reason() : null, AuditAction.UPDATE,
                "tenant.validation", "Tenant", tenant, null, null, AuditOutcome.SUCCESS, plugin + " " + choice));
    }

    /** tenant_setting.name is 100 characters, "validation:" included. */
    private static void require(String plugin) {
        if (plugin == null || plugin.isBlank()) {
            throw new IllegalArgumentException("plugin is required");
        }
        if (plugin.length() > 89) {
            throw new IllegalArgumentException("plugin is " + plugin.length() + " characters long; at most 89");
        }
        if (plugin.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("plugin contains a control character");
        }
    }
}
