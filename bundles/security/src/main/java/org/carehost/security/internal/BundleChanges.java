package org.carehost.security.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * What a bundle's install, update, uninstall, start and rewiring changes in the security manager's parts: the
 * records kept per bundle are forgotten when its code goes (an update keeps its quarantine and its kept-down note: the
 * same plugin, new code), a start by the operator lifts a quarantine, and a container bundle's change has admission
 * look again at the container's packages.
 *
 * <p>Synchronous, so each part has forgotten a plugin's previous code before the framework goes on with its new one.
 * Kept apart from {@link SecurityManagerImpl} because it is the one place that knows which part keeps what per bundle;
 * the component only builds it and adds it as a listener.
 */
final class BundleChanges implements SynchronousBundleListener {

    private final PluginScope scope;
    private final PluginCodeSeen pluginCode;
    private final Inspector inspector;
    private final GrantsCalculator grants;
    private final Admission admission;
    private final KeptDown keptDown;
    private final Quarantine quarantine;

    BundleChanges(PluginScope scope, PluginCodeSeen pluginCode, Inspector inspector, GrantsCalculator grants,
            Admission admission, KeptDown keptDown, Quarantine quarantine) {
        this.scope = scope;
        this.pluginCode = pluginCode;
        this.inspector = inspector;
        this.grants = grants;
        this.admission = admission;
        this.keptDown = keptDown;
        this.quarantine = quarantine;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if ((event.getType() & (BundleEvent.INSTALLED | BundleEvent.UPDATED | BundleEvent.UNINSTALLED)) != 0
                && scope.isContainer(bundle)) {
            admission.containerBundleChanged();
        }
        switch (event.getType()) {
            case BundleEvent.UNINSTALLED:
                quarantine.forget(bundle.getBundleId());
                grants.forget(bundle.getBundleId());
                admission.forget(bundle.getBundleId());
                inspector.forget(bundle);
                keptDown.forget(bundle.getBundleId());
                break;
            case BundleEvent.UPDATED:
                grants.forget(bundle.getBundleId());
                admission.forget(bundle.getBundleId());
                inspector.forget(bundle);
                break;
            case BundleEvent.STARTING:
                pluginCode.bundleStarting(bundle);
                quarantine.lifted(bundle.getBundleId()); // started again by the operator
                keptDown.forget(bundle.getBundleId());
                break;
            case BundleEvent.STARTED:
                keptDown.started(bundle);
                break;
            case BundleEvent.UNRESOLVED:
                admission.rewired(bundle.getBundleId());
                break;
            case BundleEvent.RESOLVED:
                admission.rewired(bundle.getBundleId());
                break;
            default:
                break;
        }
    }
}
