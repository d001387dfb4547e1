package org.carehost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.junit.jupiter.api.Test;

/** The role table's entries for the import and adapter commands. */
class CommandRolesTest {

    private static Operator operator(Role role) {
        return new Operator("someone", Set.of(role), Set.of("stmarys"), false, false, Instant.EPOCH, "test");
    }

    @Test
    void adaptersAreListedForReadersAndSentByHospitalAdmins() {
        assertTrue(CommandRoles.allowed(operator(Role.OPERATOR), "adapter:list"));
        assertTrue(CommandRoles.allowed(operator(Role.HOSPITAL_ADMIN), "adapter:list"));
        assertTrue(CommandRoles.allowed(operator(Role.HOSPITAL_ADMIN), "adapter:send"));
        assertFalse(CommandRoles.allowed(operator(Role.OPERATOR), "adapter:send"));
        assertFalse(CommandRoles.allowed(operator(Role.AUDITOR), "adapter:send"));
        assertNull(CommandRoles.refusal(operator(Role.ADMIN), List.of("adapter:send", "patient:import")));
    }

    @Test
    void patientImportIsForAdminsOnly() {
        for (Role role : List.of(Role.HOSPITAL_ADMIN, Role.OPERATOR, Role.AUDITOR)) {
            String refusal = CommandRoles.refusal(operator(role), List.of("patient:import"));
            assertTrue(refusal != null && refusal.contains("needs the role admin"), String.valueOf(refusal));
        }
    }
}
