package org.carehost.clinical;

import org.osgi.annotation.versioning.ProviderType;

/** The operator's side of plugins' documents ({@code org.carehost.sdk.data.PluginDataService}). */
@ProviderType
public interface PluginDataAdmin {

    /** Removes every document the plugin keeps in the tenant; returns how many there were. */
    int purge(String symbolicName, String tenant);

    /** Bytes of JSON the plugin keeps in the tenant. */
    long used(String symbolicName, String tenant);
}
