package org.carehost.clinical.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenant;
import org.carehost.context.Tenants;

import org.carehost.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's validator setting on two nodes sharing one database: a change made on one applies on the other once the
 * other's kept answer expires ({@link ValidatorChoicesImpl#KEPT_FOR}, by the container clock), not at its restart.
 * Every change is audited by the service, once, whoever calls it; a refused change is neither made nor audited.
 */
class ValidatorChoicesTest {

    private final List<AuditEvent> audited = new ArrayList<>();

    private final String url = "jdbc:h2:mem:choice" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @AfterEach
    void drop() throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("SHUTDOWN");
        }
    }

    @Test
    void aChangeOnOneNodeAppliesOnTheOtherWithinTheExpiry() throws Exception {
        try (Connection connection = DriverManager.getConnection(url); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE tenant (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200), created_by VARCHAR(200), "
                    + "created_at TIMESTAMP WITH TIME ZONE)");
            sql.execute("CREATE TABLE tenant_setting (tenant VARCHAR(64) NOT NULL REFERENCES tenant (id), "
                    + "name VARCHAR(100) NOT NULL, setting VARCHAR(500) NOT NULL, PRIMARY KEY (tenant, name))");
            sql.execute("INSERT INTO tenant (id, name, created_by, created_at) VALUES ('north', 'North', 'test', "
                    + "CURRENT_TIMESTAMP)");
        }
        ValidatorChoicesImpl one = choices();
        ValidatorChoicesImpl two = choices();
        assertEquals(Optional.empty(), two.failsOpen("north", "org.example.labs"));

        one.set("north", "org.example.labs", true, "admin");
        assertEquals(Optional.of(true), one.failsOpen("north", "org.example.labs"), "at once where made");
        now = now.plus(ValidatorChoicesImpl.KEPT_FOR);
        assertEquals(Optional.of(true), two.failsOpen("north", "org.example.labs"),
                "on the other node once its kept answer expired");

        one.set("north", "org.example.labs", null, "admin");
        now = now.plus(ValidatorChoicesImpl.KEPT_FOR);
        assertEquals(Optional.empty(), two.failsOpen("north", "org.example.labs"), "cleared there too");

        assertEquals(2, audited.size(), "each change audited once, by the service: " + audited);
        AuditEvent first = audited.get(0);
        assertEquals("tenant.validation", first.operation());
        assertEquals("north", first.resourceId());
        assertEquals("admin", first.user());
        assertEquals("org.example.labs fail-open", first.reason());
        assertEquals("org.example.labs cleared", audited.get(1).reason());

        assertThrows(IllegalArgumentException.class, () -> one.set("south", "org.example.labs", true, "admin"));
        assertThrows(IllegalArgumentException.class, () -> one.set("north", " ", false, "admin"));
        assertEquals(2, audited.size(), "a refused change is not audited");
    }

    private ValidatorChoicesImpl choices() {
        Tenants tenants = proxy(Tenants.class, (method, arguments) -> method.equals("find")
                ? ("north".equals(arguments[0]) ? Optional.of(new Tenant("north", "North", "test", now))
                        : Optional.empty())
                : null);
        AuditLog audit = proxy(AuditLog.class, (method, arguments) -> {
            if (method.equals("append")) {
                audited.add((AuditEvent) arguments[0]);
            }
            return null;
        });
        ContextBinder binder = proxy(ContextBinder.class,
                (method, arguments) -> method.equals("current") ? Optional.empty() : null);
        return new ValidatorChoicesImpl(store(), tenants, audit, binder, clock);
    }

    private <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> answer.apply(method.getName(), arguments);
                }));
    }

    private Store store() {
        return (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "connection" -> DriverManager.getConnection(url);
                    case "dialect" -> Store.Dialect.H2;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }
}
