package org.carehost.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** No plugin may take a name the container audits its own records under ({@link ContainerActors}). */
class ContainerActorsTest {

    @Test
    void theContainersActorNamesAreReservedInAnyCase() {
        for (String name : new String[] {"operator", "container", "operators", "Operator", "CONTAINER", " operator "}) {
            assertTrue(ContainerActors.isReserved(name), name);
            String refusal = ContainerActors.refusal(name);
            assertTrue(refusal.contains("'" + name + "'") && refusal.contains("audit records")
                    && refusal.contains("another Bundle-SymbolicName"), refusal);
        }
    }

    @Test
    void otherNamesAreFree() {
        for (String name : new String[] {"org.acme.operator", "operator2", "containers", "com.hospital.labs", ""}) {
            assertFalse(ContainerActors.isReserved(name), name);
            assertNull(ContainerActors.refusal(name), name);
        }
        assertFalse(ContainerActors.isReserved(null));
    }
}
