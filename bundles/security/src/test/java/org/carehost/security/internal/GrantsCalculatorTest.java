package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import org.carehost.security.Permission;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

/** What a plugin holds under a policy: the bit arithmetic, and which changes make it see other services. */
class GrantsCalculatorTest {

    private static final String LABS = "org.example.labs";
    private static final Version V1 = Version.parseVersion("1.2.0");
    private static final String SIGNER = "CN=Acme Labs, O=Acme";
    private static final long DECLARED = Permission.READ_PATIENTS.bit() | Permission.WRITE_PATIENTS.bit()
            | Permission.USE_NETWORK.bit() | Permission.USE_FILES.bit();

    @Test
    void developmentModeGrantsDeclaredHostServicesButNoAmbientPermission() throws Exception {
        Policy policy = policy("mode development");
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.WRITE_PATIENTS.bit(),
                GrantsCalculator.grants(policy, LABS, V1, DECLARED, null));
        assertEquals(0, GrantsCalculator.grants(policy, LABS, V1, 0, null), "nothing declared, nothing held");
    }

    @Test
    void developmentModeAddsWhatThePolicyGrants() throws Exception {
        Policy policy = policy("mode development", "grant plugin " + LABS + " use:network");
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.WRITE_PATIENTS.bit() | Permission.USE_NETWORK.bit(),
                GrantsCalculator.grants(policy, LABS, V1, DECLARED, null));
    }

    @Test
    void productionModeGrantsOnlyPolicyEntriesWithinTheDeclaration() throws Exception {
        Policy policy = policy("mode production",
                "grant plugin " + LABS + " [1.0,2.0) read:patients use:network read:appointments");
        assertEquals(0, GrantsCalculator.grants(policy("mode production"), LABS, V1, DECLARED, null));
        assertEquals(Permission.READ_PATIENTS.bit() | Permission.USE_NETWORK.bit(),
                GrantsCalculator.grants(policy, LABS, V1, DECLARED, null),
                "read:appointments is granted but not declared");
        assertEquals(0, GrantsCalculator.grants(policy, LABS, Version.parseVersion("2.0.0"), DECLARED, null),
                "outside the version range");
        assertEquals(0, GrantsCalculator.grants(policy, "org.example.other", V1, DECLARED, null));
    }

    @Test
    void aSignerGrantReachesOnlyPluginsOfThatTrustedSigner() throws Exception {
        Policy policy = policy("mode production", "grant signer \"" + SIGNER + "\" use:files");
        assertEquals(Permission.USE_FILES.bit(), GrantsCalculator.grants(policy, LABS, V1, DECLARED, SIGNER));
        assertEquals(0, GrantsCalculator.grants(policy, LABS, V1, DECLARED, null));
    }

    @Test
    void aDenialOverridesEveryGrantAndDevelopmentMode() throws Exception {
        Policy policy = policy("mode development", "grant plugin " + LABS + " use:network",
                "grant signer \"" + SIGNER + "\" use:network", "deny plugin " + LABS + " use:network write:patients");
        assertEquals(Permission.READ_PATIENTS.bit(), GrantsCalculator.grants(policy, LABS, V1, DECLARED, SIGNER));
    }

    @Test
    void visibilityChangesOnlyWithWhatDecidesTheServicesAPluginSees() {
        long reads = Permission.READ_PATIENTS.bit();
        assertEquals(GrantsCalculator.visibility(reads),
                GrantsCalculator.visibility(reads | Permission.WRITE_PATIENTS.bit()),
                "PatientService was visible already");
        assertEquals(GrantsCalculator.visibility(reads), GrantsCalculator.visibility(reads | Permission.USE_NETWORK.bit()),
                "an ambient permission is no service");
        assertNotEquals(GrantsCalculator.visibility(0), GrantsCalculator.visibility(Permission.WRITE_PATIENTS.bit()),
                "PatientService becomes visible");
        assertNotEquals(GrantsCalculator.visibility(Permission.WRITE_PATIENTS.bit()),
                GrantsCalculator.visibility(Permission.WRITE_PATIENTS.bit() | reads), "patient events are delivered");
        assertNotEquals(GrantsCalculator.visibility(0), GrantsCalculator.visibility(Permission.PUBLISH_EVENTS.bit()),
                "Event Admin becomes visible");
    }

    private static Policy policy(String... lines) throws PolicyException {
        return PolicyFile.parse(List.of(lines), "policy");
    }
}
