package org.carehost.clinical.internal;

import org.carehost.security.PermissionGuard;
import org.osgi.framework.Bundle;

/**
 * Who is calling a host service: the plugin's bundle. Each plugin gets its own service instance bound to
 * its bundle, so the caller cannot be forged; the security manager and the audit trail build on this.
 */
record Caller(long bundleId, String symbolicName, String version, boolean container) {

    /**
     * {@code container}: one of the container's own bundles (the shell, say), as the security manager tells
     * them apart: it acts for whichever tenant its context names, without being enabled there, as an operator does.
     */
    static Caller of(Bundle bundle, PermissionGuard guard) {
        return new Caller(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(),
                !guard.isPlugin(bundle));
    }

    @Override
    public String toString() {
        return symbolicName + " " + version;
    }
}
