package org.carehost.plugins.internal.calls;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;

/**
 * Whether the service runtime may still register an active plugin's awaited service, for {@link Handover}: a held
 * call whose deadline passes ends the wait for every call only when it will not. {@link ComponentOutlook} asks the
 * service runtime; unit tests of the handover give their own word.
 */
@FunctionalInterface
interface RegistrationOutlook {

    /** Whether {@code awaited} (the memory of the service the old version unregistered) may still be registered. */
    boolean mayRegister(Bundle plugin, ServiceSlot<?> awaited);

    /** Hears each bundle event {@link Handover} hears (the outlook bounds "may" from the plugin's {@code STARTED}). */
    default void bundleChanged(BundleEvent event) {
    }
}
