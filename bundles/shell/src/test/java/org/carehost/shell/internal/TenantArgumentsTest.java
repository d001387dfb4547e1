package org.carehost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TenantArgumentsTest {

    @Test
    void thePluginAndTheTenantComeInEitherOrderWithSettingsAnywhere() {
        assertEquals(new TenantArguments("p", "a", Map.of()), TenantArguments.parse(new String[] {"p", "--tenant", "a"}, "u", false));
        assertEquals(new TenantArguments("p", "a", Map.of("k", "v=1")),
                TenantArguments.parse(new String[] {"-t", "a", "k=v=1", "p"}, "u", true));
    }

    @Test
    void anythingElseIsAUsageError() {
        for (String[] bad : new String[][] {{}, {"p"}, {"--tenant", "a"}, {"p", "--tenant"}, {"p", "q", "--tenant", "a"},
                {"p", "--tenant", "a", "--tenant", "b"}, {"p", "--tenant", "a", "k=v"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TenantArguments.parse(bad, "usage!", false), String.join(" ", bad));
            assertEquals(true, e.getMessage().startsWith("usage!"), e.getMessage());
        }
    }
}
