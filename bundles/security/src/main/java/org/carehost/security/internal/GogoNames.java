package org.carehost.security.internal;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Removes a command name from Gogo's table. Why: Gogo 1.1 keeps the name of a command whose service went away, with
 * nobody behind it, and finds an unscoped name ({@code lb}) at the first name in its table that ends with it. So a
 * plugin's {@code aa:lb}, registered before the container's {@code felix:lb} came and then refused and stopped, would
 * keep the operator's {@code lb} failing until a restart. The shell's own {@code osgi:removecommand} forgets it.
 *
 * <p>Gogo is optional (the plugin testkit runs without it): its package is imported optionally, and callers treat a
 * {@link LinkageError} as "no Gogo"; without a {@link CommandProcessor} service there is no table to clean.
 */
final class GogoNames {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";

    private GogoNames() {
    }

    /** Forgets {@code scope:function} for each function, if Gogo runs; false if it does not (nothing to forget). */
    static boolean forget(BundleContext context, String scope, List<String> functions) throws Exception {
        ServiceReference<?> reference = context.getServiceReference(PROCESSOR);
        if (reference == null) {
            return false;
        }
        return forgetWith(context, reference, scope, functions);
    }

    private static boolean forgetWith(BundleContext context, ServiceReference<?> reference, String scope,
            List<String> functions) throws Exception {
        CommandProcessor processor = (CommandProcessor) context.getService(reference);
        if (processor == null) {
            return false;
        }
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream())) {
            session.put("scope", scope); // as variables, never in the command line: the names are the plugin's
            for (String function : functions) {
                session.put("function", function);
                session.execute("osgi:removecommand $scope $function");
            }
            return true;
        } finally {
            context.ungetService(reference);
        }
    }
}
