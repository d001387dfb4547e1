package org.carehost.clinical.internal;

import org.osgi.framework.Bundle;

/**
 * Who is calling a host service: the plugin's bundle. Each plugin gets its own service instance bound to
 * its bundle, so the caller cannot be forged; the security manager and the audit trail build on this.
 */
record Caller(long bundleId, String symbolicName, String version) {

    static Caller of(Bundle bundle) {
        return new Caller(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString());
    }

    @Override
    public String toString() {
        return symbolicName + " " + version;
    }
}
