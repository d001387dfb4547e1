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

    /**
     * The README's table of commands and roles is this table: every command, with the same roles (admin first, who may
     * run everything), tenant-scoped ones marked, and no other row.
     */
    @Test
    void theReadmeTableIsTheCodesTable() throws java.io.IOException {
        java.util.Map<String, String> readme = new java.util.TreeMap<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| `([a-z]+:[a-z-]+)` \\| ([^|]+) \\| ([^|]*)\\|");
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("README.md"))) {
            java.util.regex.Matcher match = row.matcher(line);
            if (match.find()) {
                readme.put(match.group(1), match.group(2).strip() + (match.group(3).contains("tenant-scoped")
                        ? " (tenant)" : ""));
            }
        }
        java.util.Map<String, String> code = new java.util.TreeMap<>();
        CommandRoles.table().forEach((command, rule) -> {
            java.util.Set<Role> roles = java.util.EnumSet.of(Role.ADMIN);
            roles.addAll(rule.roles());
            code.put(command, String.join(", ", roles.stream().map(Role::code).toList())
                    + (rule.tenantScoped() ? " (tenant)" : ""));
        });
        org.junit.jupiter.api.Assertions.assertEquals(code, readme);
    }
}
