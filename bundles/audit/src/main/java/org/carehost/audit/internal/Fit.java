package org.carehost.audit.internal;

import org.carehost.audit.AuditEvent;

/**
 * Cuts each field to its column's length (marking the cut), so that one oversized value cannot make the
 * batch it is in fail, and with it every call waiting on that batch.
 */
final class Fit {

    private Fit() {
    }

    static AuditEvent columns(AuditEvent event) {
        return new AuditEvent(cut(event.plugin(), 200), cut(event.pluginVersion(), 100), cut(event.user(), 200),
                cut(event.purposeOfUse(), 50), cut(event.tenant(), 64), cut(event.roles(), 500),
                cut(event.correlationId(), 64), cut(event.breakGlass(), 500), event.action(), cut(event.operation(), 100),
                cut(event.resourceType(), 50), cut(event.resourceId(), 100), cut(event.patientId(), 100),
                cut(event.query(), 2000), event.outcome(), cut(event.reason(), 1000));
    }

    static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        return value.substring(0, max - 1) + "…";
    }
}
