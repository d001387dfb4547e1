package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** No plugin may take a name that passes for the container's ({@link ContainerNames}). */
class ContainerNamesTest {

    private static final List<String> CONTAINER = List.of("org.carehost.store", "org.apache.felix.scr",
            "org.apache.felix.framework", "com.fasterxml.jackson.core.jackson-databind");

    @Test
    void theContainersNamespaceIsReserved() {
        for (String name : List.of("org.carehost", "org.carehost.security", "org.carehost.security.tools",
                "ORG.Carehost.Audit", "org.carehost.samples", "org.carehost.fixtures.x", " org.carehost.x ")) {
            String refusal = ContainerNames.refusal(name, CONTAINER);
            assertTrue(refusal != null && refusal.contains("'" + name + "'") && refusal.contains("namespace")
                    && refusal.contains("Bundle-SymbolicName"), name + ": " + refusal);
        }
    }

    @Test
    void aContainerBundlesNameWhatIsUnderItAndWhatItIsUnderAreReserved() {
        for (String name : List.of("org.apache.felix.scr", "org.apache.felix.scr.tools", "org.apache.felix",
                "org.apache", "org", "com.fasterxml", "system.bundle", "Org.Apache.Felix.SCR")) {
            String refusal = ContainerNames.refusal(name, CONTAINER);
            assertTrue(refusal != null && refusal.contains("container's bundle"), name + ": " + refusal);
        }
    }

    @Test
    void otherNamesAreFree() {
        for (String name : List.of("org.carehost.sample.hello", "org.carehost.fixture.greeter", "com.vendor.labs",
                "org.apache.felixx", "org.carehostile", "org.apache.felix.scrub", "data", "")) {
            assertNull(ContainerNames.refusal(name, CONTAINER), name);
        }
        assertNull(ContainerNames.refusal(null, CONTAINER));
    }

    @Test
    void aNameOfLookAlikeLettersOrSpacesIsRefused() {
        for (String name : List.of("org.car\u0435host.store", "org.carehost\u200b.store", "org.\u017fample", "org carehost",
                "com.vendor..plugin", "com.vendor.", "x/../victim")) {
            String refusal = ContainerNames.refusal(name, CONTAINER);
            assertTrue(refusal != null && refusal.contains("dot-separated ASCII words"), name + ": " + refusal);
        }
    }

    @Test
    void theJdksNamespacesAreRefused() {
        for (String name : List.of("sun.net.www.protocol.http", "java.util.logging", "jdk.internal", "com.sun.net")) {
            String refusal = ContainerNames.refusal(name, CONTAINER);
            assertTrue(refusal != null && refusal.contains("JDK's namespace"), name + ": " + refusal);
        }
        assertNull(ContainerNames.refusal("com.sunny.plugin", CONTAINER));
    }

    @Test
    void aLoggerOrConfigurationIsNamedAfterAPluginOnlyByItsNameOrUnderIt() {
        assertTrue(ContainerNames.namedAfter("org.postgres", "org.postgres"));
        assertTrue(ContainerNames.namedAfter("org.postgres.plugin.Worker", "org.postgres"));
        assertTrue(!ContainerNames.namedAfter("org.postgresql", "org.postgres"), "a name merely beginning with it");
        assertTrue(!ContainerNames.namedAfter("org.postgresql.Driver", "org.postgres"));
        assertTrue(!ContainerNames.namedAfter("anything", ""));
        assertTrue(!ContainerNames.namedAfter(null, "x"));
    }
}
