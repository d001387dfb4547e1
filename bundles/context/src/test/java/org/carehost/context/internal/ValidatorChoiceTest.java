package org.carehost.context.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import org.carehost.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's validator setting on two nodes sharing one database: a change made on one applies on the other once the
 * other's kept answer expires ({@link TenantsImpl#VALIDATOR_CHOICE_FOR}, by the container clock), not at its restart.
 */
class ValidatorChoiceTest {

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
        TenantsImpl one = new TenantsImpl(store(), clock);
        TenantsImpl two = new TenantsImpl(store(), clock);
        assertEquals(Optional.empty(), two.validatorFailsOpen("north", "org.example.labs"));

        one.setValidatorFailsOpen("north", "org.example.labs", true, "admin");
        assertEquals(Optional.of(true), one.validatorFailsOpen("north", "org.example.labs"), "at once where made");
        now = now.plus(TenantsImpl.VALIDATOR_CHOICE_FOR);
        assertEquals(Optional.of(true), two.validatorFailsOpen("north", "org.example.labs"),
                "on the other node once its kept answer expired");

        one.setValidatorFailsOpen("north", "org.example.labs", null, "admin");
        now = now.plus(TenantsImpl.VALIDATOR_CHOICE_FOR);
        assertEquals(Optional.empty(), two.validatorFailsOpen("north", "org.example.labs"), "cleared there too");
    }

    private Store store() {
        return (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "connection" -> DriverManager.getConnection(url);
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }
}
