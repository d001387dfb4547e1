package org.carehost.notifications.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The outbox releases stale claims at its first activation in a process only: a reactivation in the same process (a
 * refresh) must not release the claim of a delivery still under way; the next process start (a new framework UUID)
 * does.
 */
class ReleaseOnceTest {

    @TempDir
    Path data;

    @Test
    void claimsAreReleasedOncePerFrameworkStart() {
        assertTrue(Delivery.firstInThisProcess(context("run-1")), "the first activation of a process");
        assertFalse(Delivery.firstInThisProcess(context("run-1")), "reactivated in the same process");
        assertFalse(Delivery.firstInThisProcess(context("run-1")));
        assertTrue(Delivery.firstInThisProcess(context("run-2")), "the next start of the framework");
        assertFalse(Delivery.firstInThisProcess(context(null)), "no UUID: nothing released (claims expire)");
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
