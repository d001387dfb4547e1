package org.carehost.security.internal;

import org.osgi.framework.Bundle;

/**
 * Refusals that are not a host service's (those are audited by the service): each remembered for
 * {@code security:denials}, logged, posted and so audited as DENIED ({@link Alerts}), and counted toward the plugin's
 * burst alarm; a flood is counted, not queued ({@link RefusalFlood}).
 */
final class RefusalRecorder implements RuntimeLayer.Denier {

    /** The name a refusal no plugin's frame caused is recorded and audited under. */
    static final String UNIDENTIFIED = "(unidentified-plugin)";

    private final RefusalFlood flood = new RefusalFlood(System::nanoTime);
    private final Alerts alerts;
    private final GrantsCalculator grants;

    RefusalRecorder(Alerts alerts, GrantsCalculator grants) {
        this.alerts = alerts;
        this.grants = grants;
    }

    @Override
    public void deny(Bundle plugin, String operation, String permission, String reason) {
        RefusalFlood.Decision decision = flood.admit(plugin.getBundleId());
        if (decision.report()) {
            alerts.denied(plugin, operation, permission, RefusalFlood.withUnreported(reason, decision));
        }
        grants.refused(plugin); // counts toward a burst of refusals: an access anomaly
    }

    /**
     * A refusal at run time that no plugin's frame caused (plugin data drove container code to it): recorded under
     * {@link #UNIDENTIFIED}, all such refusals bounded together as one plugin's flood is.
     */
    @Override
    public void denyUnidentified(String operation, String permission, String reason) {
        RefusalFlood.Decision decision = flood.admit(-1);
        if (decision.report()) {
            alerts.denied(UNIDENTIFIED, "0.0.0", operation, permission, RefusalFlood.withUnreported(reason, decision));
        }
    }
}
