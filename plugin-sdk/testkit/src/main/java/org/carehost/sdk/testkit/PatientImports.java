package org.carehost.sdk.testkit;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Drives the host's import service ({@code org.carehost.clinical.PatientImport}, which {@code patient:import} drives
 * too) for {@link Carehost#importResources}. That service is the container's API, not on the test's class path, so it
 * is called reflectively and its outcomes are copied into {@link Imported}.
 */
final class PatientImports {

    static final String SERVICE = "org.carehost.clinical.PatientImport";

    private PatientImports() {
    }

    static List<Imported> run(BundleContext context, String source, String json, Duration timeout) {
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(context,
                    FrameworkUtil.createFilter("(" + Constants.OBJECTCLASS + "=" + SERVICE + ")"), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        // All services: the test's class path has its own copy of the interface, which the framework would otherwise
        // take as a different type and hide the container's service from the test.
        tracker.open(true);
        try {
            Object imports = tracker.waitForService(timeout.toMillis());
            if (imports == null) {
                throw new AssertionError("No " + SERVICE + " service within " + timeout.toSeconds() + " s");
            }
            // The methods of the interface (exported by the bundle that registered it), not of its internal class.
            Class<?> api = tracker.getServiceReference().getBundle().loadClass(SERVICE);
            List<?> outcomes = (List<?>) api.getMethod("importJson", String.class, String.class)
                    .invoke(imports, source, json);
            List<Imported> imported = new ArrayList<>();
            for (Object outcome : outcomes) {
                Class<?> type = outcome.getClass();
                imported.add(new Imported((String) type.getMethod("source").invoke(outcome),
                        String.valueOf(type.getMethod("status").invoke(outcome)),
                        (String) type.getMethod("id").invoke(outcome),
                        (String) type.getMethod("message").invoke(outcome)));
            }
            return imported;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The container's " + SERVICE + " is not the one this test kit knows (" + e
                    + "): use the test kit of the container's version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted waiting for " + SERVICE, e);
        } finally {
            tracker.close();
        }
    }
}
