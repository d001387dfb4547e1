package org.carehost.config.internal;

import java.util.Set;
import java.util.function.BiPredicate;

import org.osgi.framework.Bundle;

/**
 * The container's own configurations (the audit trail's, the node's), which no other bundle may read: Config Admin
 * delivers a configuration to any bundle whose component names its PID, so a plugin could otherwise read them by
 * declaring a component with {@code configurationPid = "org.carehost.audit"}. (Writing one takes the Config Admin
 * API, {@code org.osgi.service.cm}, which a plugin may not import.)
 *
 * <p>The owner of such a PID is the bundle that declares its Metatype schema and was installed first: the container
 * installs its bundles before any plugin, and a bundle cannot choose its id, so a plugin that copies the schema still
 * installs after the owner.
 */
final class ContainerConfigurations {

    /** The PIDs this applies to. */
    static final Set<String> PIDS = Set.of("org.carehost.audit", "org.carehost.node");

    private ContainerConfigurations() {
    }

    /** Whether {@code receiver} is the owner of {@code pid} among {@code bundles}. */
    static boolean owns(Bundle receiver, String pid, Bundle[] bundles, BiPredicate<Bundle, String> declares) {
        if (receiver == null || !declares.test(receiver, pid)) {
            return false;
        }
        for (Bundle bundle : bundles) {
            if (bundle.getBundleId() < receiver.getBundleId() && declares.test(bundle, pid)) {
                return false;
            }
        }
        return true;
    }
}
