package org.carehost.config.internal;

import java.util.function.BiPredicate;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;

/**
 * The container's own configurations, which no plugin may read: a configuration whose PID (or factory PID) the
 * Metatype schema of one of the container's bundles declares — the audit trail's, the node's, the security
 * manager's, the cipher's, the store's (with its database password), and every other the container defines. Config
 * Admin delivers a configuration to any bundle whose component names its PID, so a plugin could otherwise read one by
 * declaring a component with {@code configurationPid = "org.carehost.audit"}.
 *
 * <p>Which bundles are the container's is {@link org.carehost.security.ContainerBundles}'s answer (installed by the
 * launcher from the run descriptor), the one the security manager and the plugin manager give: a plugin that
 * copies a container bundle's schema, name or headers is still a plugin.
 */
final class ContainerConfigurations {

    private ContainerConfigurations() {
    }

    /**
     * Whether the configuration {@code pid} is kept from {@code receiver}: the PID is the container's (one of the
     * container's {@code bundles} declares it) and the receiver is not one of the container's bundles.
     */
    static boolean withheld(Bundle receiver, String pid, Bundle[] bundles, Predicate<Bundle> isContainer,
            BiPredicate<Bundle, String> declares) {
        if (receiver != null && isContainer.test(receiver)) {
            return false;
        }
        for (Bundle bundle : bundles) {
            if (isContainer.test(bundle) && declares.test(bundle, pid)) {
                return true;
            }
        }
        return false;
    }
}
