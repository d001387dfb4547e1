package org.carehost.itest;

import java.util.Collection;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** What the greeter fixture plugin currently answers: the proof of which code (and configuration) runs. */
final class Greeters {

    private Greeters() {
    }

    /** The greeting of the registered greeter, or null when none is registered. */
    @SuppressWarnings("rawtypes")
    static String greeting(BundleContext context) {
        Collection<ServiceReference<Supplier>> refs;
        try {
            refs = context.getServiceReferences(Supplier.class, "(fixture=greeter)");
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        if (refs.isEmpty()) {
            return null;
        }
        ServiceReference<Supplier> ref = refs.iterator().next();
        Supplier greeter = context.getService(ref);
        try {
            return greeter == null ? null : String.valueOf(greeter.get());
        } finally {
            context.ungetService(ref);
        }
    }
}
