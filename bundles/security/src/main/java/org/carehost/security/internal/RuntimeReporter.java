package org.carehost.security.internal;

import org.osgi.framework.Bundle;

/**
 * How the run-time layer's refusals ({@link RuntimeEnforcement}, {@link Lockdown}) reach the security manager, which
 * records and audits them (plugin, operation, permission, reason) and quarantines.
 */
interface RuntimeReporter {
    void denied(Bundle plugin, String permission, String reason);

    void quarantine(Bundle plugin, String reason);

    /** A refusal the previous security manager's checker made in lockdown, by the plugin's name and version. */
    void deniedInLockdown(String plugin, String version, String reason);

    /**
     * A call refused that no plugin's frame caused, made by what plugin data drove (a filter's coercion, the shell's
     * or SCR's reflection on a plugin's object): recorded, logged and audited under no plugin's name.
     */
    void deniedUnidentified(String reason);
}
