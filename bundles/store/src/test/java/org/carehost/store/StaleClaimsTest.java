package org.carehost.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Stale claims (the outbox's, the scheduler's) are released at the first activation in a process only: a
 * reactivation in the same process (a refresh) must not release the claim of work still under way; the next process
 * start (a new framework UUID) does, once for each kind of claim.
 */
class StaleClaimsTest {

    @TempDir
    Path data;

    @Test
    void claimsAreReleasedOncePerFrameworkStart() {
        assertTrue(StaleClaims.firstInThisProcess(context("run-1"), "outbox"), "the first activation of a process");
        assertFalse(StaleClaims.firstInThisProcess(context("run-1"), "outbox"), "reactivated in the same process");
        assertFalse(StaleClaims.firstInThisProcess(context("run-1"), "outbox"));
        assertTrue(StaleClaims.firstInThisProcess(context("run-2"), "outbox"), "the next start of the framework");
        assertFalse(StaleClaims.firstInThisProcess(context(null), "outbox"), "no UUID: nothing released (claims expire)");
        assertTrue(StaleClaims.firstInThisProcess(context("run-2"), "scheduler"), "each kind of claim on its own");
        assertFalse(StaleClaims.firstInThisProcess(context("run-2"), "scheduler"));
    }

    private BundleContext context(String uuid) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getProperty" -> Constants.FRAMEWORK_UUID.equals(arguments[0]) ? uuid : null;
                    case "getDataFile" -> data.resolve((String) arguments[0]).toFile();
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }
}
