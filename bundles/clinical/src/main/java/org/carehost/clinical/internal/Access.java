package org.carehost.clinical.internal;

import org.carehost.sdk.context.CareContext;

/**
 * One host-service call as the care rules see it: its context, its caller, and the patients it was let reach.
 * Services pass it to the records (for the tenant) and to {@link CareRules#admit} for each patient they reach.
 */
final class Access {

    private final CareContext context;
    private final Caller caller;

    Access(CareContext context, Caller caller) {
        this.context = context;
        this.caller = caller;
    }

    CareContext context() {
        return context;
    }

    String tenant() {
        return context.tenant();
    }

    Caller caller() {
        return caller;
    }
}
